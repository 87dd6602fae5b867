public import KaijuCore

/// Classifies and decodes one JSON object by its keys, as the original Kaiju did: `name` → Metric,
/// `metrics` → Metric batch, `payload` → Event, `events` → Event batch, anything else → a flattened log.
///
/// One pass reads a Metric or an Event straight from the bytes; only a log line is read twice.
public struct JSONLineDecoder: Sendable {
    /// The unit of Metric timestamps (Telegraf's `json_timestamp_units`).
    public var timestampUnits: TimestampUnits

    public init(timestampUnits: TimestampUnits = .auto) { self.timestampUnits = timestampUnits }

    /// Decodes one JSON object at the scanner's position and appends what it holds.
    public func decode(_ s: inout JSONScanner, receivedAt: Int64, into out: inout [Ingested]) throws(JSONError) {
        let start = s.offset
        let raw = try s.rawValue()
        do throws(JSONError) {
            try self.decodeClassified(raw, receivedAt: receivedAt, into: &out)
        } catch {
            throw JSONError(offset: start + error.offset, message: error.message)
        }
    }

    /// Decodes one complete JSON object (a line).
    public func decode<C: Collection<UInt8>>(line: C, receivedAt: Int64, into out: inout [Ingested]) throws(JSONError) {
        let result: Result<Void, JSONError>? = line.withContiguousStorageIfAvailable { buffer in
            do throws(JSONError) { return .success(try self.decodeClassified(buffer, receivedAt: receivedAt, into: &out)) } catch {
                return .failure(error)
            }
        }
        if let result { return try result.get() }
        try self.decodeClassified(Array(line), receivedAt: receivedAt, into: &out)
    }

    private func decodeClassified<C: Collection<UInt8>>(_ bytes: C, receivedAt: Int64, into out: inout [Ingested]) throws(JSONError) {
        var name: String?
        var fields = ValueMap()
        var tags = ValueMap()
        var timestamp: Int64?
        var metrics: [Metric]?
        var payload: ValueMap?
        var context = ValueMap()
        var events: [Event]?
        var shapeMismatch = false
        let units = self.timestampUnits
        do throws(JSONError) {
            try JSONScanner.parse(bytes) { (s) throws(JSONError) in
                guard s.peek() == UInt8(ascii: "{") else { throw s.error("expected a JSON object") }
                try s.readObject { (s, key) throws(JSONError) in
                    switch key {
                    case "name":
                        guard s.peek() == UInt8(ascii: "\"") else { shapeMismatch = true; return try s.skipValue() }
                        name = try s.readString()
                    case "fields":
                        guard s.peek() == UInt8(ascii: "{") else { shapeMismatch = true; return try s.skipValue() }
                        fields = try s.readValueMap()
                    case "tags", "context":
                        guard s.peek() == UInt8(ascii: "{") else { shapeMismatch = true; return try s.skipValue() }
                        if key == "tags" { tags = try s.readValueMap() } else { context = try s.readValueMap() }
                    case "payload":
                        guard s.peek() == UInt8(ascii: "{") else { shapeMismatch = true; return try s.skipValue() }
                        payload = try s.readValueMap()
                    case "timestamp":
                        switch try s.readValue() {
                        case .int(let i): timestamp = i
                        case .double(let d) where d.isFinite && abs(d) < 9e18: timestamp = Int64(d)
                        default: shapeMismatch = true
                        }
                    case "metrics":
                        var list: [Metric] = []
                        try s.readArray { (s) throws(JSONError) in
                            var m = try Metric.decode(from: &s)
                            m.timestamp = m.timestamp == 0 ? receivedAt : units.milliseconds(m.timestamp)
                            list.append(m)
                        }
                        metrics = list
                    case "events":
                        var list: [Event] = []
                        try s.readArray { (s) throws(JSONError) in list.append(try Event.decode(from: &s)) }
                        events = list
                    default:
                        try s.skipValue()
                    }
                }
            }
        } catch {
            // Not the shape of a Metric or Event under a known key: a log line if it is an object at all.
            out.append(.log(try LogRecord(json: bytes, timestamp: receivedAt)))
            return
        }
        if let name, !shapeMismatch {
            let at = timestamp.map { $0 == 0 ? receivedAt : units.milliseconds($0) } ?? receivedAt
            out.append(.metric(Metric(name: name, timestamp: at, fields: fields, tags: tags)))
        } else if let metrics {
            for m in metrics { out.append(.metric(m)) }
        } else if let payload, !shapeMismatch {
            out.append(.event(Event(timestamp: timestamp ?? receivedAt, payload: payload, context: context)))
        } else if let events {
            for e in events { out.append(.event(e)) }
        } else {
            out.append(.log(try LogRecord(json: bytes, timestamp: receivedAt)))
        }
    }
}
