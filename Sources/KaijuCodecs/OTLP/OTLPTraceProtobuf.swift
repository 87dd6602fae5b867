public import KaijuCore

/// Decodes an OTLP/HTTP `ExportTraceServiceRequest` in protobuf into one Jaeger ``Batch`` per resource.
public enum OTLPTraceProtobuf {
    /// Decodes one request body; attribute values nested deeper than `maxDepth` are an error.
    /// - Parameters:
    ///   - bytes: The body.
    ///   - maxDepth: The deepest nesting accepted.
    /// - Returns: One batch per resource.
    /// - Throws: ``IngestError`` with the byte offset of what could not be read.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = 32) throws(IngestError) -> [Batch] {
        try bytes.withRawBytes { (raw) throws(IngestError) in try Self.decode(raw, maxDepth: maxDepth) }
    }

    /// Decodes one request body; attribute values nested deeper than `maxDepth` are an error.
    public static func decode(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32) throws(IngestError) -> [Batch] {
        var r = ProtobufReader(bytes, maxDepth: maxDepth)
        var batches: [Batch] = []
        while let (n, wire) = try r.nextField() {
            if n == 1 {
                try r.expect(wire, is: 2)
                var m = try r.message()
                batches.append(try Self.resourceSpans(&m))
            } else {
                try r.skip(wire: wire)
            }
        }
        return batches
    }

    static func resourceSpans(_ r: inout ProtobufReader) throws(IngestError) -> Batch {
        var resourceTags: [Tag] = []
        var spans: [Span] = []
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 2):
                var resource = try r.message()
                while let (rn, rw) = try resource.nextField() {
                    if rn == 1, rw == 2 {
                        var kv = try resource.message()
                        resourceTags.append(try Self.keyValue(&kv))
                    } else {
                        try resource.skip(wire: rw)
                    }
                }
            case (2, 2):
                var scopeSpans = try r.message()
                try Self.scopeSpans(&scopeSpans, into: &spans)
            default: try r.skip(wire: wire)
            }
        }
        return Batch(process: OTLPSpanBuilder.process(resourceTags), spans: spans)
    }

    static func scopeSpans(_ r: inout ProtobufReader, into spans: inout [Span]) throws(IngestError) {
        var scopeName = ""
        var builders: [OTLPSpanBuilder] = []
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 2):
                var scope = try r.message()
                scopeName = try Self.scopeName(&scope)
            case (2, 2):
                var m = try r.message()
                builders.append(try Self.span(&m))
            default: try r.skip(wire: wire)
            }
        }
        for b in builders { spans.append(try b.span(scopeName: scopeName)) }
    }

    static func span(_ r: inout ProtobufReader) throws(IngestError) -> OTLPSpanBuilder {
        var b = OTLPSpanBuilder()
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 2): b.traceID = try r.data()
            case (2, 2): b.spanID = try r.data()
            case (4, 2): b.parentSpanID = try r.data()
            case (5, 2): b.name = try r.string()
            case (6, 0): b.kind = Int64(truncatingIfNeeded: try r.varint())
            case (7, 1): b.startNanos = try r.fixed64()
            case (8, 1): b.endNanos = try r.fixed64()
            case (9, 2):
                var kv = try r.message()
                b.tags.append(try Self.keyValue(&kv))
            case (11, 2):
                var e = try r.message()
                b.logs.append(try Self.event(&e))
            case (13, 2):
                var l = try r.message()
                var traceID: [UInt8] = []
                var spanID: [UInt8] = []
                while let (ln, lw) = try l.nextField() {
                    switch (ln, lw) {
                    case (1, 2): traceID = try l.data()
                    case (2, 2): spanID = try l.data()
                    default: try l.skip(wire: lw)
                    }
                }
                if let ref = OTLPSpanBuilder.link(traceID: traceID, spanID: spanID) { b.links.append(ref) }
            case (15, 2):
                var s = try r.message()
                while let (sn, sw) = try s.nextField() {
                    switch (sn, sw) {
                    case (2, 2): b.statusMessage = try s.string()
                    case (3, 0): b.statusCode = Int64(truncatingIfNeeded: try s.varint())
                    default: try s.skip(wire: sw)
                    }
                }
            default: try r.skip(wire: wire)
            }
        }
        return b
    }

    static func event(_ r: inout ProtobufReader) throws(IngestError) -> SpanLog {
        var log = SpanLog(timestamp: 0, fields: [])
        var name = ""
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 1): log.timestamp = Int64(clamping: try r.fixed64() / 1000)
            case (2, 2): name = try r.string()
            case (3, 2):
                var kv = try r.message()
                log.fields.append(try Self.keyValue(&kv))
            default: try r.skip(wire: wire)
            }
        }
        log.fields.insert(.string("event", name), at: 0)
        return log
    }

    static func keyValue(_ r: inout ProtobufReader) throws(IngestError) -> Tag {
        let (key, value) = try Self.keyAny(&r)
        return OTLPSpanBuilder.tag(key, value)
    }

    /// A `KeyValue`: its key and value.
    static func keyAny(_ r: inout ProtobufReader) throws(IngestError) -> (String, AnyValue) {
        var key = ""
        var value = AnyValue.value(.null)
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 2): key = try r.string()
            case (2, 2):
                var v = try r.message()
                value = try Self.anyValue(&v, depth: 0)
            default: try r.skip(wire: wire)
            }
        }
        return (key, value)
    }

    /// A `KeyValue` as a map entry (bytes as hex text).
    static func entry(_ r: inout ProtobufReader) throws(IngestError) -> ValueMap.Entry {
        let (key, value) = try Self.keyAny(&r)
        return .init(key: key, value: value.plain)
    }

    /// A `Resource`'s attributes (field 1).
    static func resourceAttributes(_ r: inout ProtobufReader) throws(IngestError) -> [ValueMap.Entry] {
        var out: [ValueMap.Entry] = []
        while let (n, wire) = try r.nextField() {
            if n == 1, wire == 2 {
                var kv = try r.message()
                out.append(try Self.entry(&kv))
            } else {
                try r.skip(wire: wire)
            }
        }
        return out
    }

    /// An `InstrumentationScope`'s name (field 1).
    static func scopeName(_ r: inout ProtobufReader) throws(IngestError) -> String {
        var name = ""
        while let (n, wire) = try r.nextField() {
            if n == 1, wire == 2 { name = try r.string() } else { try r.skip(wire: wire) }
        }
        return name
    }

    static func anyValue(_ r: inout ProtobufReader, depth: Int) throws(IngestError) -> AnyValue {
        guard depth < r.maxDepth else {
            throw .limitExceeded("depth", detail: "\(r.error("AnyValue nested deeper than \(r.maxDepth)"))")
        }
        var result = AnyValue.value(.null)
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 2): result = .value(.string(try r.string()))
            case (2, 0): result = .value(.bool(try r.varint() != 0))
            case (3, 0): result = .value(.int(Int64(bitPattern: try r.varint())))
            case (4, 1): result = .value(.double(try r.double()))
            case (5, 2):
                var list = try r.message()
                var items: [Value] = []
                while let (ln, lw) = try list.nextField() {
                    if ln == 1, lw == 2 {
                        var item = try list.message()
                        items.append(try Self.anyValue(&item, depth: depth + 1).plain)
                    } else {
                        try list.skip(wire: lw)
                    }
                }
                result = .value(.array(items))
            case (6, 2):
                var list = try r.message()
                var entries: [ValueMap.Entry] = []
                while let (ln, lw) = try list.nextField() {
                    if ln == 1, lw == 2 {
                        var kv = try list.message()
                        var key = ""
                        var value = Value.null
                        while let (kn, kw) = try kv.nextField() {
                            switch (kn, kw) {
                            case (1, 2): key = try kv.string()
                            case (2, 2):
                                var v = try kv.message()
                                value = try Self.anyValue(&v, depth: depth + 1).plain
                            default: try kv.skip(wire: kw)
                            }
                        }
                        entries.append(.init(key: key, value: value))
                    } else {
                        try list.skip(wire: lw)
                    }
                }
                result = .value(.object(ValueMap(entries)))
            case (7, 2): result = .bytes(try r.data())
            default: try r.skip(wire: wire)
            }
        }
        return result
    }
}
