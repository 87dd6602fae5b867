import Foundation
@_spi(Codecs) public import KaijuCore

/// Decodes an OTLP/HTTP JSON `ExportTraceServiceRequest` (hex ids, integer enums, 64-bit ints as strings
/// or numbers, unknown keys ignored) into one Jaeger ``Batch`` per resource.
public enum OTLPTraceJSON {
    /// Decodes one request body; objects and arrays nested deeper than `maxDepth` are an error.
    public static func decode<C: Collection<UInt8>>(_ bytes: C, maxDepth: Int = 64) throws(IngestError) -> [Batch] {
        do throws(JSONError) {
            return try JSONScanner.parse(bytes, maxDepth: maxDepth) { (s) throws(JSONError) in
                var batches: [Batch] = []
                try s.readObject { (s, key) throws(JSONError) in
                    guard key == "resourceSpans" || key == "resource_spans" else { return try s.skipValue() }
                    try s.readArray { (s) throws(JSONError) in batches.append(try Self.resourceSpans(&s)) }
                }
                return batches
            }
        } catch {
            throw .json(error, "otlp json")
        }
    }

    static func resourceSpans(_ s: inout JSONScanner) throws(JSONError) -> Batch {
        var resourceTags: [Tag] = []
        var spans: [Span] = []
        try s.readObject { (s, key) throws(JSONError) in
            switch key {
            case "resource":
                try s.readObject { (s, key) throws(JSONError) in
                    guard key == "attributes" else { return try s.skipValue() }
                    resourceTags = try Self.attributes(&s)
                }
            case "scopeSpans", "scope_spans", "instrumentationLibrarySpans":
                try s.readArray { (s) throws(JSONError) in try Self.scopeSpans(&s, into: &spans) }
            default: try s.skipValue()
            }
        }
        return Batch(process: OTLPSpanBuilder.process(resourceTags), spans: spans)
    }

    static func scopeSpans(_ s: inout JSONScanner, into spans: inout [Span]) throws(JSONError) {
        var scopeName = ""
        var builders: [OTLPSpanBuilder] = []
        try s.readObject { (s, key) throws(JSONError) in
            switch key {
            case "scope", "instrumentationLibrary": scopeName = try Self.scopeName(&s)
            case "spans": try s.readArray { (s) throws(JSONError) in builders.append(try Self.span(&s)) }
            default: try s.skipValue()
            }
        }
        for b in builders {
            do throws(IngestError) { spans.append(try b.span(scopeName: scopeName)) } catch {
                throw s.error(error.description)
            }
        }
    }

    static func span(_ s: inout JSONScanner) throws(JSONError) -> OTLPSpanBuilder {
        var b = OTLPSpanBuilder()
        try s.readObject { (s, key) throws(JSONError) in
            switch key {
            case "traceId", "trace_id": b.traceID = try Self.hex(&s)
            case "spanId", "span_id": b.spanID = try Self.hex(&s)
            case "parentSpanId", "parent_span_id": b.parentSpanID = try Self.hex(&s)
            case "name": b.name = try s.readString()
            case "kind": b.kind = try Self.int64(&s)
            case "startTimeUnixNano", "start_time_unix_nano": b.startNanos = UInt64(clamping: try Self.int64(&s))
            case "endTimeUnixNano", "end_time_unix_nano": b.endNanos = UInt64(clamping: try Self.int64(&s))
            case "attributes": b.tags = try Self.attributes(&s)
            case "events":
                try s.readArray { (s) throws(JSONError) in
                    var log = SpanLog(timestamp: 0, fields: [])
                    var name = ""
                    try s.readObject { (s, key) throws(JSONError) in
                        switch key {
                        case "timeUnixNano", "time_unix_nano": log.timestamp = try Self.int64(&s) / 1000
                        case "name": name = try s.readString()
                        case "attributes": log.fields = try Self.attributes(&s)
                        default: try s.skipValue()
                        }
                    }
                    log.fields.insert(.string("event", name), at: 0)
                    b.logs.append(log)
                }
            case "links":
                try s.readArray { (s) throws(JSONError) in
                    var traceID: [UInt8] = []
                    var spanID: [UInt8] = []
                    try s.readObject { (s, key) throws(JSONError) in
                        switch key {
                        case "traceId", "trace_id": traceID = try Self.hex(&s)
                        case "spanId", "span_id": spanID = try Self.hex(&s)
                        default: try s.skipValue()
                        }
                    }
                    if let ref = OTLPSpanBuilder.link(traceID: traceID, spanID: spanID) { b.links.append(ref) }
                }
            case "status":
                try s.readObject { (s, key) throws(JSONError) in
                    switch key {
                    case "code": b.statusCode = try Self.int64(&s)
                    case "message": b.statusMessage = try s.readString()
                    default: try s.skipValue()
                    }
                }
            default: try s.skipValue()
            }
        }
        return b
    }

    static func attributes(_ s: inout JSONScanner) throws(JSONError) -> [Tag] {
        var tags: [Tag] = []
        try Self.keyValues(&s) { key, value in tags.append(OTLPSpanBuilder.tag(key, value)) }
        return tags
    }

    /// An attributes array as map entries (bytes as hex text).
    static func entries(_ s: inout JSONScanner) throws(JSONError) -> [ValueMap.Entry] {
        var out: [ValueMap.Entry] = []
        try Self.keyValues(&s) { key, value in out.append(.init(key: key, value: value.plain)) }
        return out
    }

    /// Each `{"key":..., "value":{...}}` of an attributes array.
    static func keyValues(_ s: inout JSONScanner, _ body: (String, AnyValue) -> Void) throws(JSONError) {
        try s.readArray { (s) throws(JSONError) in
            var key = ""
            var value = AnyValue.value(.null)
            try s.readObject { (s, k) throws(JSONError) in
                switch k {
                case "key": key = try s.readString()
                case "value": value = try Self.anyValue(&s)
                default: try s.skipValue()
                }
            }
            body(key, value)
        }
    }

    /// A resource's attributes.
    static func resource(_ s: inout JSONScanner) throws(JSONError) -> [ValueMap.Entry] {
        var out: [ValueMap.Entry] = []
        try s.readObject { (s, key) throws(JSONError) in
            if key == "attributes" { out = try Self.entries(&s) } else { try s.skipValue() }
        }
        return out
    }

    /// A scope's name.
    static func scopeName(_ s: inout JSONScanner) throws(JSONError) -> String {
        var name = ""
        try s.readObject { (s, key) throws(JSONError) in
            if key == "name" { name = try s.readString() } else { try s.skipValue() }
        }
        return name
    }

    /// A double written as a number or as `"NaN"`, `"Infinity"`, `"-Infinity"`.
    static func double(_ s: inout JSONScanner) throws(JSONError) -> Double {
        switch try s.readValue() {
        case .string(let t): return Double(t) ?? (t == "Infinity" ? .infinity : t == "-Infinity" ? -.infinity : .nan)
        case let v: return v.doubleValue ?? .nan
        }
    }

    static func anyValue(_ s: inout JSONScanner) throws(JSONError) -> AnyValue {
        var result = AnyValue.value(.null)
        try s.readObject { (s, key) throws(JSONError) in
            switch key {
            case "stringValue", "string_value": result = .value(.string(try s.readString()))
            case "boolValue", "bool_value": result = .value(try s.readValue())
            case "intValue", "int_value": result = .value(.int(try Self.int64(&s)))
            case "doubleValue", "double_value": result = .value(.double(try Self.double(&s)))
            case "bytesValue", "bytes_value":
                result = .bytes([UInt8](Data(base64Encoded: try s.readString()) ?? Data()))
            case "arrayValue", "array_value":
                var items: [Value] = []
                try s.readObject { (s, key) throws(JSONError) in
                    guard key == "values" else { return try s.skipValue() }
                    try s.readArray { (s) throws(JSONError) in items.append(try Self.anyValue(&s).plain) }
                }
                result = .value(.array(items))
            case "kvlistValue", "kvlist_value":
                var entries: [ValueMap.Entry] = []
                try s.readObject { (s, key) throws(JSONError) in
                    guard key == "values" else { return try s.skipValue() }
                    for tag in try Self.attributes(&s) { entries.append(.init(key: tag.key, value: tag.value)) }
                }
                result = .value(.object(ValueMap(entries)))
            default: try s.skipValue()
            }
        }
        return result
    }

    /// A 64-bit integer written as a decimal string or a number.
    static func int64(_ s: inout JSONScanner) throws(JSONError) -> Int64 {
        let at = s.offset
        switch try s.readValue() {
        case .int(let i): return i
        case .double(let d) where d.isFinite: return Int64(clamping: Int64(exactly: d.rounded()) ?? 0)
        case .string(let t):
            if let i = Int64(t) { return i }
            if let u = UInt64(t) { return Int64(bitPattern: u) }
            throw JSONError(offset: at, message: "'\(t)' is not an integer")
        default: throw JSONError(offset: at, message: "expected an integer")
        }
    }

    /// An id in hex (case-insensitive); the empty string is absent.
    static func hex(_ s: inout JSONScanner) throws(JSONError) -> [UInt8] {
        let at = s.offset
        let text = Array(try s.readString().utf8)
        guard text.count % 2 == 0 else { throw JSONError(offset: at, message: "id is not hex") }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var i = 0
        while i < text.count {
            guard let hi = Self.nibble(text[i]), let lo = Self.nibble(text[i + 1]) else {
                throw JSONError(offset: at, message: "id is not hex")
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
