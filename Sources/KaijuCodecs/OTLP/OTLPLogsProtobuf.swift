public import KaijuCore

/// Decodes an OTLP `ExportLogsServiceRequest` in protobuf into ``LogRecord``s (see `OTLPLogBuilder`
/// for the fields).
public enum OTLPLogsProtobuf {
    /// Decodes one request body.
    /// - Parameters:
    ///   - bytes: The body.
    ///   - receivedAt: The wall time (ms) given to records without a time.
    ///   - maxDepth: The deepest nesting of attribute values accepted.
    ///   - maxFlattenExpansion: Flattened key bytes allowed per byte of the body.
    /// - Returns: The log records, in order.
    /// - Throws: ``IngestError`` with the byte offset of what could not be read.
    public static func decode(
        _ bytes: [UInt8],
        receivedAt: Int64,
        maxDepth: Int = 32,
        maxFlattenExpansion: Int = 16
    ) throws(IngestError) -> [LogRecord] {
        let budget = bytes.count.multipliedReportingOverflow(by: maxFlattenExpansion).partialValue
        return try bytes.withRawBytes { (raw) throws(IngestError) in
            var r = ProtobufReader(raw, maxDepth: maxDepth)
            var out: [LogRecord] = []
            while let (n, wire) = try r.nextField() {
                guard n == 1, wire == 2 else {
                    try r.skip(wire: wire)
                    continue
                }
                var resourceLogs = try r.message()
                var resource: [ValueMap.Entry] = []
                var scopes: [(String, [OTLPLogBuilder])] = []
                while let (rn, rw) = try resourceLogs.nextField() {
                    switch (rn, rw) {
                    case (1, 2):
                        var m = try resourceLogs.message()
                        resource = try OTLPTraceProtobuf.resourceAttributes(&m)
                    case (2, 2):
                        var m = try resourceLogs.message()
                        scopes.append(try Self.scopeLogs(&m))
                    default: try resourceLogs.skip(wire: rw)
                    }
                }
                for (scope, records) in scopes {
                    for b in records {
                        out.append(
                            try b.record(resource: resource, scope: scope, receivedAt: receivedAt, budget: budget)
                        )
                    }
                }
            }
            return out
        }
    }

    static func scopeLogs(_ r: inout ProtobufReader) throws(IngestError) -> (String, [OTLPLogBuilder]) {
        var scope = ""
        var records: [OTLPLogBuilder] = []
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 2):
                var m = try r.message()
                scope = try OTLPTraceProtobuf.scopeName(&m)
            case (2, 2):
                var m = try r.message()
                records.append(try Self.logRecord(&m))
            default: try r.skip(wire: wire)
            }
        }
        return (scope, records)
    }

    static func logRecord(_ r: inout ProtobufReader) throws(IngestError) -> OTLPLogBuilder {
        var b = OTLPLogBuilder()
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 1): b.timeNanos = try r.fixed64()
            case (11, 1): b.observedNanos = try r.fixed64()
            case (2, 0): b.severityNumber = Int64(truncatingIfNeeded: try r.varint())
            case (3, 2): b.severityText = try r.string()
            case (5, 2):
                var v = try r.message()
                b.body = try OTLPTraceProtobuf.anyValue(&v, depth: 0).plain
            case (6, 2):
                var kv = try r.message()
                b.attributes.append(try OTLPTraceProtobuf.entry(&kv))
            case (9, 2): b.traceID = try r.data()
            case (10, 2): b.spanID = try r.data()
            default: try r.skip(wire: wire)
            }
        }
        return b
    }
}
