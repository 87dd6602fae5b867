public import KaijuCore

/// Decodes the Jaeger Thrift model (`jaeger.thrift`, `agent.thrift`) from either Thrift protocol.
/// Unknown fields (the current IDL's `seqNo`, `stats`) are skipped by type.
///
/// # Usage
/// ```swift
/// let batch = try JaegerThriftDecoder.emitBatch(compact: datagram)       // agent UDP 6831
/// let batch = try JaegerThriftDecoder.batch(binary: body)                // collector HTTP /api/traces
/// ```
public enum JaegerThriftDecoder {
    /// An agent `emitBatch` message in the compact protocol; `nil` for `emitZipkinBatch`, which is skipped.
    public static func emitBatch(
        compact bytes: UnsafeRawBufferPointer,
        maxDepth: Int = 32
    ) throws(IngestError) -> Batch? {
        var r = ThriftCompactReader(bytes, maxDepth: maxDepth)
        return try Self.emitBatch(&r)
    }

    /// An agent `emitBatch` message in the binary protocol.
    public static func emitBatch(binary bytes: UnsafeRawBufferPointer, maxDepth: Int = 32) throws(IngestError) -> Batch?
    {
        var r = ThriftBinaryReader(bytes, maxDepth: maxDepth)
        return try Self.emitBatch(&r)
    }

    /// A bare binary-protocol `Batch` struct (the collector's HTTP body).
    public static func batch(binary bytes: UnsafeRawBufferPointer, maxDepth: Int = 32) throws(IngestError) -> Batch {
        var r = ThriftBinaryReader(bytes, maxDepth: maxDepth)
        return try Self.batch(&r)
    }

    /// A bare binary-protocol `Batch` struct (the collector's HTTP body).
    /// - Parameters:
    ///   - bytes: The body.
    ///   - maxDepth: The deepest nesting accepted.
    /// - Returns: The batch.
    /// - Throws: ``IngestError`` with the byte offset of what could not be read.
    public static func batch(binary bytes: [UInt8], maxDepth: Int = 32) throws(IngestError) -> Batch {
        try bytes.withRawBytes { (raw) throws(IngestError) in try Self.batch(binary: raw, maxDepth: maxDepth) }
    }

    static func emitBatch<R: ThriftReader>(_ r: inout R) throws(IngestError) -> Batch? {
        let name = try r.messageBegin()
        switch name {
        case "emitBatch": break
        case "emitZipkinBatch": return nil
        default: throw r.error("unknown method '\(name)'")
        }
        var batch: Batch?
        r.structBegin()
        while let (t, id) = try r.fieldHeader() {
            if id == 1 && t == .structure { batch = try Self.batch(&r) } else { try r.skip(t) }
        }
        r.structEnd()
        guard let batch else { throw r.error("emitBatch without a batch") }
        return batch
    }

    static func batch<R: ThriftReader>(_ r: inout R) throws(IngestError) -> Batch {
        var batch = Batch(process: JaegerProcess(serviceName: ""), spans: [])
        var sawProcess = false
        r.structBegin()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, .structure):
                batch.process = try Self.process(&r)
                sawProcess = true
            case (2, .list):
                batch.spans = try Self.list(&r, of: .structure) { (r) throws(IngestError) in try Self.span(&r) }
            default: try r.skip(t)
            }
        }
        r.structEnd()
        guard sawProcess else { throw r.error("Batch without a process") }
        return batch
    }

    static func process<R: ThriftReader>(_ r: inout R) throws(IngestError) -> JaegerProcess {
        var process = JaegerProcess(serviceName: "")
        r.structBegin()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, .binary): process.serviceName = try r.readString()
            case (2, .list): process.tags = try Self.tags(&r)
            default: try r.skip(t)
            }
        }
        r.structEnd()
        return process
    }

    static func span<R: ThriftReader>(_ r: inout R) throws(IngestError) -> Span {
        var s = Span(traceIdLow: 0, spanId: 0, operationName: "", flags: 0, startTime: 0, duration: 0)
        r.structBegin()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, .i64): s.traceIdLow = try r.readI64()
            case (2, .i64): s.traceIdHigh = try r.readI64()
            case (3, .i64): s.spanId = try r.readI64()
            case (4, .i64): s.parentSpanId = try r.readI64()
            case (5, .binary): s.operationName = try r.readString()
            case (6, .list):
                s.references = try Self.list(&r, of: .structure) { (r) throws(IngestError) in try Self.spanRef(&r) }
            case (7, .i32): s.flags = try r.readI32()
            case (8, .i64): s.startTime = try r.readI64()
            case (9, .i64): s.duration = try r.readI64()
            case (10, .list): s.tags = try Self.tags(&r)
            case (11, .list): s.logs = try Self.list(&r, of: .structure) { (r) throws(IngestError) in try Self.log(&r) }
            default: try r.skip(t)
            }
        }
        r.structEnd()
        return s
    }

    static func spanRef<R: ThriftReader>(_ r: inout R) throws(IngestError) -> SpanRef {
        var ref = SpanRef(refType: .childOf, traceIdLow: 0, traceIdHigh: 0, spanId: 0)
        r.structBegin()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, .i32): ref.refType = try r.readI32() == 1 ? .followsFrom : .childOf
            case (2, .i64): ref.traceIdLow = try r.readI64()
            case (3, .i64): ref.traceIdHigh = try r.readI64()
            case (4, .i64): ref.spanId = try r.readI64()
            default: try r.skip(t)
            }
        }
        r.structEnd()
        return ref
    }

    static func log<R: ThriftReader>(_ r: inout R) throws(IngestError) -> SpanLog {
        var log = SpanLog(timestamp: 0, fields: [])
        r.structBegin()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, .i64): log.timestamp = try r.readI64()
            case (2, .list): log.fields = try Self.tags(&r)
            default: try r.skip(t)
            }
        }
        r.structEnd()
        return log
    }

    static func tags<R: ThriftReader>(_ r: inout R) throws(IngestError) -> [Tag] {
        try Self.list(&r, of: .structure) { (r) throws(IngestError) in try Self.tag(&r) }
    }

    static func tag<R: ThriftReader>(_ r: inout R) throws(IngestError) -> Tag {
        var tag = Tag(key: "", vType: .string)
        r.structBegin()
        while let (t, id) = try r.fieldHeader() {
            switch (id, t) {
            case (1, .binary): tag.key = try r.readString()
            case (2, .i32):
                let code = try r.readI32()
                guard code >= 0, code < TagType.allCases.count else { throw r.error("unknown TagType \(code)") }
                tag.vType = TagType.allCases[Int(code)]
            case (3, .binary): tag.vStr = try r.readString()
            case (4, .double): tag.vDouble = try r.readDouble()
            case (5, .bool): tag.vBool = try r.readBool()
            case (6, .i64): tag.vLong = try r.readI64()
            case (7, .binary): tag.vBinary = try r.readBinary()
            default: try r.skip(t)
            }
        }
        r.structEnd()
        return tag
    }

    static func list<R: ThriftReader, T>(
        _ r: inout R,
        of type: ThriftType,
        _ element: (inout R) throws(IngestError) -> T
    ) throws(IngestError) -> [T] {
        let (t, n) = try r.listHeader()
        guard t == type else {
            for _ in 0..<n { try r.skip(t) }
            return []
        }
        var items: [T] = []
        items.reserveCapacity(n)
        for _ in 0..<n { items.append(try element(&r)) }
        return items
    }
}
