@_spi(Codecs) public import KaijuCore

/// Classifies and decodes one JSON object by its keys, as the original Kaiju did: `name` → Metric,
/// `metrics` → Metric batch, `payload` → Event, `events` → Event batch, anything else → a flattened log.
///
/// One pass reads a Metric or an Event straight from the bytes; only a log line is read twice.
public struct JSONLineDecoder: Sendable {
    /// The unit of Metric timestamps (Telegraf's `json_timestamp_units`).
    public var timestampUnits: TimestampUnits
    /// The nesting and flattening bounds.
    public var limits: IngestLimits

    /// A decoder reading Metric timestamps in `timestampUnits`, bounded by `limits`.
    public init(timestampUnits: TimestampUnits = .auto, limits: IngestLimits = IngestLimits()) {
        self.timestampUnits = timestampUnits
        self.limits = limits
    }

    /// Decodes one JSON object at the scanner's position and appends what it holds.
    func decode(
        _ s: inout JSONScanner,
        receivedAt: Int64,
        interner: StringInterner? = nil,
        into out: inout [InputEvent]
    ) throws(JSONError) {
        let start = s.offset
        let raw = try s.rawValue()
        do throws(JSONError) {
            try self.decodeClassified(raw, receivedAt: receivedAt, interner: interner, into: &out)
        } catch {
            throw error.shifted(by: start)
        }
    }

    /// Decodes one line (one complete JSON object) and appends what it holds to `out`.
    /// - Parameters:
    ///   - line: The line's bytes (without the newline).
    ///   - receivedAt: The wall time (ms) given to items without a time.
    ///   - out: Where decoded inputs are appended.
    /// - Throws: ``JSONError`` with the byte offset.
    public func decode<C: Collection<UInt8>>(line: C, receivedAt: Int64, into out: inout [InputEvent]) throws(JSONError)
    {
        try self.decode(line: line, receivedAt: receivedAt, interner: nil, into: &out)
    }

    /// Decodes one line; an `interner` builds repeated tag and field names once.
    func decode<C: Collection<UInt8>>(
        line: C,
        receivedAt: Int64,
        interner: StringInterner?,
        into out: inout [InputEvent]
    ) throws(JSONError) {
        try self.decodeClassified(line, receivedAt: receivedAt, interner: interner, into: &out)
    }

    private func decodeClassified<C: Collection<UInt8>>(
        _ bytes: C,
        receivedAt: Int64,
        interner: StringInterner?,
        into out: inout [InputEvent]
    ) throws(JSONError) {
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
            try JSONScanner.parse(bytes, interner: interner, maxDepth: self.limits.maxDepth) { (s) throws(JSONError) in
                guard s.peek() == UInt8(ascii: "{") else { throw s.error("expected a JSON object") }
                try s.readObjectRawKeys { (s, key) throws(JSONError) in
                    if JSONScanner.key(key, is: "name") {
                        guard s.peek() == UInt8(ascii: "\"") else {
                            shapeMismatch = true
                            return try s.skipValue()
                        }
                        name = try s.readString()
                    } else if JSONScanner.key(key, is: "fields") {
                        if let map = try Self.map(&s) { fields = map } else { shapeMismatch = true }
                    } else if JSONScanner.key(key, is: "tags") {
                        if let map = try Self.map(&s) { tags = map } else { shapeMismatch = true }
                    } else if JSONScanner.key(key, is: "timestamp") {
                        switch try s.readValue() {
                        case .int(let i): timestamp = i
                        case .double(let d) where d.isFinite && abs(d) < 9e18: timestamp = Int64(d)
                        default: shapeMismatch = true
                        }
                    } else if JSONScanner.key(key, is: "context") {
                        if let map = try Self.map(&s) { context = map } else { shapeMismatch = true }
                    } else if JSONScanner.key(key, is: "payload") {
                        if let map = try Self.map(&s) { payload = map } else { shapeMismatch = true }
                    } else if JSONScanner.key(key, is: "metrics") {
                        var list: [Metric] = []
                        try s.readArray { (s) throws(JSONError) in
                            var m = try Metric.decode(from: &s)
                            m.timestamp = m.timestamp == 0 ? receivedAt : units.milliseconds(m.timestamp)
                            list.append(m)
                        }
                        metrics = list
                    } else if JSONScanner.key(key, is: "events") {
                        var list: [Event] = []
                        try s.readArray { (s) throws(JSONError) in list.append(try Event.decode(from: &s)) }
                        events = list
                    } else {
                        try s.skipValue()
                    }
                }
            }
        } catch {
            // Not the shape of a Metric or Event under a known key: a log line if it is an object at all.
            out.append(.log(try self.logRecord(bytes, receivedAt: receivedAt)))
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
            out.append(.log(try self.logRecord(bytes, receivedAt: receivedAt)))
        }
    }

    /// The line as a flattened log record.
    private func logRecord<C: Collection<UInt8>>(_ bytes: C, receivedAt: Int64) throws(JSONError) -> LogRecord {
        try LogRecord(
            json: bytes,
            timestamp: receivedAt,
            maxDepth: self.limits.maxDepth,
            maxExpansion: self.limits.maxFlattenExpansion
        )
    }

    /// An object member's map, or `nil` (the value skipped) when it is not an object.
    static func map(_ s: inout JSONScanner) throws(JSONError) -> ValueMap? {
        guard s.peek() == UInt8(ascii: "{") else {
            try s.skipValue()
            return nil
        }
        return try s.readValueMap()
    }
}
