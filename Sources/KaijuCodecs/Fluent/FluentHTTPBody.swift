@_spi(Codecs) import KaijuCore

/// Decodes the bodies of the Fluentd and Fluent Bit `http` outputs: a JSON array, ndjson or back-to-back
/// objects, or concatenated msgpack (maps, `[time, record]` or `[[time, metadata], record]`).
///
/// # Usage
/// ```swift
/// let decoder = FluentHTTPBody(limits: IngestLimits())
/// let decoded = decoder.decode(body, mediaType: "application/json", receivedAt: now)
/// ```
public struct FluentHTTPBody: Sendable {
    /// The Forward decoder whose bounds (depth, flattening) records are read with.
    let forward: ForwardDecoder

    /// Creates a decoder.
    /// - Parameter limits: The bounds applied to every body.
    public init(limits: IngestLimits) { self.forward = ForwardDecoder(limits: limits) }

    /// Decodes one body: msgpack when the media type says so or the first byte is a msgpack map or
    /// array, JSON otherwise.
    /// - Parameters:
    ///   - body: The request body.
    ///   - mediaType: The `Content-Type` without parameters.
    ///   - receivedAt: The wall time (ms) given to records without a time.
    /// - Returns: The log records read and the error that stopped reading, if any.
    public func decode(_ body: [UInt8], mediaType: String, receivedAt: Int64) -> DecodedInputs {
        var decoded = DecodedInputs()
        let firstByte = body.firstNonWhitespace
        if mediaType.contains("msgpack") || (firstByte.map { $0 >= 0x80 } ?? false) {
            body.withUnsafeBytes { raw in
                do throws(IngestError) {
                    var r = self.forward.reader(raw, interner: nil)
                    while !r.isAtEnd { decoded.items.append(.log(try self.msgpackRecord(&r, receivedAt: receivedAt))) }
                } catch {
                    decoded.errors.append(error)
                }
            }
        } else if firstByte != nil {
            do throws(JSONError) {
                try JSONScanner.parseSequence(body, maxDepth: self.forward.maxDepth) { (s) throws(JSONError) in
                    if s.peek() == UInt8(ascii: "[") {
                        try s.readArray { (s) throws(JSONError) in
                            decoded.items.append(.log(try self.jsonRecord(&s, receivedAt: receivedAt)))
                        }
                    } else {
                        decoded.items.append(.log(try self.jsonRecord(&s, receivedAt: receivedAt)))
                    }
                }
            } catch {
                decoded.errors.append(.json(error, "fluent http json"))
            }
        }
        return decoded
    }

    /// A JSON record: an object, or `[time, object]` as Fluent Bit's `nats` output sends (time in
    /// seconds, fractional); any other value is nested under `log`, as Fluent Bit does.
    func jsonRecord(_ s: inout JSONScanner, receivedAt: Int64) throws(JSONError) -> LogRecord {
        switch s.peek() {
        case UInt8(ascii: "{"):
            return LogRecord(
                timestamp: receivedAt,
                fields: try LogRecord.readFlattenedFields(&s, maxExpansion: self.forward.maxFlattenExpansion)
            )
        case UInt8(ascii: "["):
            var probe = s
            if let timed = try? self.timedRecord(&probe) {
                s = probe
                return timed
            }
        default: break
        }
        return LogRecord(timestamp: receivedAt, fields: ["log": try s.readValue()])
    }

    /// `[seconds, {record}]`, or an error for any other array.
    private func timedRecord(_ s: inout JSONScanner) throws(JSONError) -> LogRecord {
        var time: Int64?
        var fields: ValueMap?
        var index = 0
        try s.readArray { (s) throws(JSONError) in
            defer { index += 1 }
            switch index {
            case 0:
                guard let seconds = try s.readNumber().doubleValue, seconds.isFinite, abs(seconds) < 1e12 else {
                    throw s.error("a Fluent Bit entry's time must be seconds")
                }
                time = Int64((seconds * 1000).rounded())
            case 1:
                guard s.peek() == UInt8(ascii: "{") else {
                    throw s.error("a Fluent Bit entry's record must be an object")
                }
                fields = try LogRecord.readFlattenedFields(&s, maxExpansion: self.forward.maxFlattenExpansion)
            default: throw s.error("a Fluent Bit entry is [time, record]")
            }
        }
        guard let time, let fields else { throw s.error("a Fluent Bit entry is [time, record]") }
        return LogRecord(timestamp: time, fields: fields)
    }

    /// A msgpack record: a map (Fluentd), or `[time, record]` / `[[time, metadata], record]` (Fluent Bit).
    func msgpackRecord(_ r: inout MsgPackReader, receivedAt: Int64) throws(IngestError) -> LogRecord {
        let start = r.offset
        switch try r.readItem() {
        case .map:
            r.offset = start
            var entries: [ValueMap.Entry] = []
            try r.readFlattenedMap(into: &entries)
            return LogRecord(timestamp: receivedAt, fields: ValueMap(entries))
        case .array(2):
            var message = ForwardMessage(tag: "", records: [], chunk: nil)
            r.offset = start
            try ForwardDecoder.readEntry(&r, receivedAt: receivedAt, into: &message)
            guard let record = message.records.first else { throw r.error("a record must be a map or [time, record]") }
            return record
        default:
            throw r.error("a record must be a map or [time, record]")
        }
    }
}
