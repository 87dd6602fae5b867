import KaijuCore

/// Maps an OTLP span onto the Jaeger model as the OpenTelemetry Jaeger translator does: 128-bit trace id
/// halves, µs times, attributes as tags, `span.kind`, error status as `error=true`, events as logs,
/// links as FOLLOWS_FROM references, the scope as `otel.scope.name`.
struct OTLPSpanBuilder {
    var traceID: [UInt8] = []
    var spanID: [UInt8] = []
    var parentSpanID: [UInt8] = []
    var name = ""
    var kind: Int64 = 0
    var startNanos: UInt64 = 0
    var endNanos: UInt64 = 0
    var tags: [Tag] = []
    var logs: [SpanLog] = []
    var links: [SpanRef] = []
    var statusCode: Int64 = 0
    var statusMessage = ""

    static let kinds = ["", "internal", "server", "client", "producer", "consumer"]

    func span(scopeName: String) throws(IngestError) -> Span {
        guard self.traceID.count == 16 else {
            throw .malformed("otlp", "traceId must be 16 bytes, got \(self.traceID.count)")
        }
        guard self.spanID.count == 8 else {
            throw .malformed("otlp", "spanId must be 8 bytes, got \(self.spanID.count)")
        }
        var tags = self.tags
        if self.kind > 0, self.kind < Self.kinds.count { tags.append(.string("span.kind", Self.kinds[Int(self.kind)])) }
        if self.statusCode == 2 {
            tags.append(.bool("error", true))
            if !self.statusMessage.isEmpty { tags.append(.string("otel.status_description", self.statusMessage)) }
        }
        if !scopeName.isEmpty { tags.append(.string("otel.scope.name", scopeName)) }
        let start = Int64(clamping: self.startNanos / 1000)
        let duration = self.endNanos >= self.startNanos ? Int64(clamping: (self.endNanos - self.startNanos) / 1000) : 0
        return Span(
            traceIdLow: Self.int64(self.traceID, from: 8),
            traceIdHigh: Self.int64(self.traceID, from: 0),
            spanId: Self.int64(self.spanID, from: 0),
            parentSpanId: self.parentSpanID.count == 8 ? Self.int64(self.parentSpanID, from: 0) : 0,
            operationName: self.name,
            references: self.links,
            flags: 1,
            startTime: start,
            duration: duration,
            tags: tags,
            logs: self.logs
        )
    }

    static func link(traceID: [UInt8], spanID: [UInt8]) -> SpanRef? {
        guard traceID.count == 16, spanID.count == 8 else { return nil }
        return SpanRef(
            refType: .followsFrom,
            traceIdLow: int64(traceID, from: 8),
            traceIdHigh: int64(traceID, from: 0),
            spanId: int64(spanID, from: 0)
        )
    }

    /// Eight big-endian bytes as a signed id.
    static func int64(_ bytes: [UInt8], from start: Int) -> Int64 {
        var v: UInt64 = 0
        for i in start..<(start + 8) { v = (v << 8) | UInt64(bytes[i]) }
        return Int64(bitPattern: v)
    }

    /// A tag from an attribute value (arrays and maps become their JSON text).
    static func tag(_ key: String, _ value: AnyValue) -> Tag {
        switch value {
        case .value(.string(let s)): return .string(key, s)
        case .value(.bool(let b)): return .bool(key, b)
        case .value(.int(let i)): return .long(key, i)
        case .value(.double(let d)): return .double(key, d)
        case .value(let v): return .string(key, v.jsonString)
        case .bytes(let b): return Tag(key: key, vType: .binary, vBinary: b)
        }
    }

    /// A service name from resource attributes; the rest stay as process tags.
    static func process(_ attributes: [Tag]) -> JaegerProcess {
        var process = JaegerProcess(serviceName: "")
        for tag in attributes {
            if tag.key == "service.name", let s = tag.vStr { process.serviceName = s } else { process.tags.append(tag) }
        }
        return process
    }
}

/// An OTLP `AnyValue`: a plain value, or bytes.
enum AnyValue {
    case value(Value)
    case bytes([UInt8])

    var plain: Value {
        switch self {
        case .value(let v): return v
        case .bytes(let b): return .string(b.lowercaseHex)
        }
    }
}
