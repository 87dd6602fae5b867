import KaijuCore

/// Records of the Fluentd / Fluent Bit `http` output bodies.
struct FluentHTTPRecords {
    /// The Forward decoder whose bounds (depth, flattening) records are read with.
    let forward: ForwardDecoder

    init(limits: IngestLimits) { self.forward = ForwardDecoder(limits: limits) }

    /// A JSON record; a value that is not an object is nested under `log`, as Fluent Bit does.
    func jsonRecord(_ s: inout JSONScanner, receivedAt: Int64) throws(JSONError) -> LogRecord {
        if s.peek() == UInt8(ascii: "{") {
            return LogRecord(timestamp: receivedAt, fields: try LogRecord.readFlattenedFields(&s, maxExpansion: self.forward.maxFlattenExpansion))
        }
        return LogRecord(timestamp: receivedAt, fields: ["log": try s.readValue()])
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
