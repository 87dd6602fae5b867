import KaijuCore

/// Records of the Fluentd / Fluent Bit `http` output bodies.
enum FluentHTTPRecords {
    /// A JSON record; a value that is not an object is nested under `log`, as Fluent Bit does.
    static func jsonRecord(_ s: inout JSONScanner, receivedAt: Int64) throws(JSONError) -> LogRecord {
        if s.peek() == UInt8(ascii: "{") {
            return LogRecord(timestamp: receivedAt, fields: try LogRecord.readFlattenedFields(&s))
        }
        return LogRecord(timestamp: receivedAt, fields: ["log": try s.readValue()])
    }

    /// A msgpack record: a map (Fluentd), or `[time, record]` / `[[time, metadata], record]` (Fluent Bit).
    static func msgpackRecord(_ r: inout MsgPackReader, receivedAt: Int64) throws(IngestError) -> LogRecord {
        let start = r.offset
        switch try r.readItem() {
        case .map:
            r.offset = start
            var entries: [ValueMap.Entry] = []
            try r.readFlattenedMap(into: &entries)
            return LogRecord(timestamp: receivedAt, fields: ValueMap(entries))
        case .array(2):
            var records: [LogRecord] = []
            r.offset = start
            try ForwardDecoder.readEntry(&r, receivedAt: receivedAt, into: &records)
            return records[0]
        default:
            throw r.error("a record must be a map or [time, record]")
        }
    }
}
