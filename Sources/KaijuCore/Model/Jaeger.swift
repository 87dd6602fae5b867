/// The Jaeger Thrift model (`jaeger.thrift`), as value types.
///
/// A `Batch` is one process's spans; the engine sees it as a `Batch` event and one `Span` event per span.

/// The type of a ``Tag``'s value.
public enum TagType: String, Sendable, Hashable, CaseIterable {
    /// Which value field of the tag is set.
    case string = "STRING"
    case double = "DOUBLE"
    case bool = "BOOL"
    case long = "LONG"
    case binary = "BINARY"
}

/// A typed key/value annotation on a span, log or process.
public struct Tag: Sendable, Hashable {
    /// The tag's name.
    public var key: String
    /// Which of the value fields is set.
    public var vType: TagType
    /// The value of a string tag.
    public var vStr: String?
    /// The value of a double tag.
    public var vDouble: Double?
    /// The value of a bool tag.
    public var vBool: Bool?
    /// The value of a long tag.
    public var vLong: Int64?
    /// The value of a binary tag.
    public var vBinary: [UInt8]?

    /// A tag of type `vType` whose matching value field is set.
    public init(
        key: String,
        vType: TagType,
        vStr: String? = nil,
        vDouble: Double? = nil,
        vBool: Bool? = nil,
        vLong: Int64? = nil,
        vBinary: [UInt8]? = nil
    ) {
        self.key = key
        self.vType = vType
        self.vStr = vStr
        self.vDouble = vDouble
        self.vBool = vBool
        self.vLong = vLong
        self.vBinary = vBinary
    }

    /// A string tag.
    public static func string(_ key: String, _ value: String) -> Tag { Tag(key: key, vType: .string, vStr: value) }
    /// A long tag.
    public static func long(_ key: String, _ value: Int64) -> Tag { Tag(key: key, vType: .long, vLong: value) }
    /// A double tag.
    public static func double(_ key: String, _ value: Double) -> Tag { Tag(key: key, vType: .double, vDouble: value) }
    /// A bool tag.
    public static func bool(_ key: String, _ value: Bool) -> Tag { Tag(key: key, vType: .bool, vBool: value) }

    /// The tag's value, whatever its type.
    public var value: Value {
        switch self.vType {
        case .string: return self.vStr.map(Value.string) ?? .null
        case .double: return self.vDouble.map(Value.double) ?? .null
        case .bool: return self.vBool.map(Value.bool) ?? .null
        case .long: return self.vLong.map(Value.int) ?? .null
        case .binary: return self.vBinary.map { .array($0.map { .int(Int64($0)) }) } ?? .null
        }
    }
}

/// A timestamped set of fields attached to a span.
public struct SpanLog: Sendable, Hashable {
    /// Microseconds since the epoch.
    public var timestamp: Int64
    /// The log's fields.
    public var fields: [Tag]
    /// A log at `timestamp` (µs) with `fields`.
    public init(timestamp: Int64, fields: [Tag]) {
        self.timestamp = timestamp
        self.fields = fields
    }
}

/// A causal link from one span to another.
public struct SpanRef: Sendable, Hashable {
    /// `CHILD_OF` or `FOLLOWS_FROM`.
    public enum Kind: String, Sendable, Hashable {
        /// The referencing span is a child of, or follows from, the referenced one.
        case childOf = "CHILD_OF"
        case followsFrom = "FOLLOWS_FROM"
    }
    /// How the spans relate.
    public var refType: Kind
    /// The referenced trace id's low 64 bits.
    public var traceIdLow: Int64
    /// The referenced trace id's high 64 bits.
    public var traceIdHigh: Int64
    /// The referenced span's id.
    public var spanId: Int64
    /// A reference of `refType` to span `spanId` of trace (`traceIdHigh`, `traceIdLow`).
    public init(refType: Kind, traceIdLow: Int64, traceIdHigh: Int64, spanId: Int64) {
        self.refType = refType
        self.traceIdLow = traceIdLow
        self.traceIdHigh = traceIdHigh
        self.spanId = spanId
    }
}

/// One timed operation of a trace.
public struct Span: Sendable, Hashable {
    /// The trace id's low 64 bits.
    public var traceIdLow: Int64
    /// The trace id's high 64 bits (0 for 64-bit ids).
    public var traceIdHigh: Int64
    /// The span's id.
    public var spanId: Int64
    /// The parent span's id (0 for a root span).
    public var parentSpanId: Int64
    /// What the span did (`GET /users`).
    public var operationName: String
    /// Links to other spans.
    public var references: [SpanRef]
    /// Jaeger's flags (sampled, debug).
    public var flags: Int32
    /// Microseconds since the epoch.
    public var startTime: Int64
    /// Microseconds.
    public var duration: Int64
    /// Annotations on the span.
    public var tags: [Tag]
    /// Timestamped events within the span.
    public var logs: [SpanLog]

    /// A span; times are in microseconds.
    public init(
        traceIdLow: Int64,
        traceIdHigh: Int64 = 0,
        spanId: Int64,
        parentSpanId: Int64 = 0,
        operationName: String,
        references: [SpanRef] = [],
        flags: Int32 = 1,
        startTime: Int64,
        duration: Int64,
        tags: [Tag] = [],
        logs: [SpanLog] = []
    ) {
        self.traceIdLow = traceIdLow
        self.traceIdHigh = traceIdHigh
        self.spanId = spanId
        self.parentSpanId = parentSpanId
        self.operationName = operationName
        self.references = references
        self.flags = flags
        self.startTime = startTime
        self.duration = duration
        self.tags = tags
        self.logs = logs
    }
}

/// The service that emitted a batch of spans.
public struct JaegerProcess: Sendable, Hashable {
    /// The service's name.
    public var serviceName: String
    /// The process's tags (host, client version).
    public var tags: [Tag]
    /// The service's name.
    public init(serviceName: String, tags: [Tag] = []) {
        self.serviceName = serviceName
        self.tags = tags
    }
}

/// One process's spans, as a Jaeger client or agent sends them.
public struct Batch: Sendable, Hashable {
    /// The process that emitted the spans.
    public var process: JaegerProcess
    /// The spans.
    public var spans: [Span]
    /// A batch of `spans` from `process`.
    public init(process: JaegerProcess, spans: [Span]) {
        self.process = process
        self.spans = spans
    }
}

/// Jaeger's id renderings, as the original's `EventToJsonConverter` wrote them.
public enum JaegerIDs {
    /// Lower-case hex without padding (Java's `Long.toHexString` of the same bits).
    public static func hex(_ n: UInt64) -> String { String(n, radix: 16) }

    /// `low` alone when `high` is 0, else `high` followed by `low` padded to 16 digits.
    public static func traceIDHex(high: Int64, low: Int64) -> String {
        let lowHex = self.hex(UInt64(bitPattern: low))
        guard high != 0 else { return lowHex }
        return self.hex(UInt64(bitPattern: high)) + String(repeating: "0", count: 16 - lowHex.count) + lowHex
    }
}

extension Batch: EventKind {
    /// Reads events of this kind in place (the model is borrowed from the body, not copied).
    @_spi(Engine) public static func engineReader(
        _ read: @escaping @Sendable (Batch) -> Value
    ) -> (EngineEvent) -> Value {
        { e in
            if case .batch(let m) = e.body { return read(m) }
            return .null
        }
    }
    /// `Batch`.
    public static var eventTypeName: String { "Batch" }
    /// The process and the spans, as Jaeger's JSON model has them.
    public static let columns: [ModelColumn<Batch>] = [
        ModelColumn("process", .map, \Batch.process) { $0.process.jsonValue },
        ModelColumn("spans", .array, \Batch.spans) { .array($0.spans.map(\.jsonValue)) },
    ]
    /// The earliest span start, in ms (0 for an empty batch).
    public var eventTimestamp: Int64 { (self.spans.map(\.startTime).min() ?? 0) / 1000 }
    /// The value as an event body.
    @_spi(Engine) public var eventBody: EventBody { .batch(self) }
    /// The value of a body of this kind.
    @_spi(Engine) @inlinable public static func extract(_ body: EventBody) -> Batch? {
        if case .batch(let b) = body { return b }
        return nil
    }
}

extension Span: EventKind {
    /// Reads events of this kind in place (the model is borrowed from the body, not copied).
    @_spi(Engine) public static func engineReader(_ read: @escaping @Sendable (Span) -> Value) -> (EngineEvent) -> Value
    {
        { e in
            if case .span(let m) = e.body { return read(m) }
            return .null
        }
    }
    /// `Span`.
    public static var eventTypeName: String { "Span" }
    /// The columns of Jaeger's span model.
    public static let columns: [ModelColumn<Span>] = [
        ModelColumn("traceIdLow", .long, \Span.traceIdLow) { .int($0.traceIdLow) },
        ModelColumn("traceIdHigh", .long, \Span.traceIdHigh) { .int($0.traceIdHigh) },
        ModelColumn("spanId", .long, \Span.spanId) { .int($0.spanId) },
        ModelColumn("parentSpanId", .long, \Span.parentSpanId) { .int($0.parentSpanId) },
        ModelColumn("operationName", .string, \Span.operationName) { .string($0.operationName) },
        ModelColumn("references", .array, \Span.references) { .array($0.references.map(\.jsonValue)) },
        ModelColumn("flags", .int, \Span.flags) { .int(Int64($0.flags)) },
        ModelColumn("startTime", .long, \Span.startTime) { .int($0.startTime) },
        ModelColumn("duration", .long, \Span.duration) { .int($0.duration) },
        ModelColumn("tags", .array, \Span.tags) { .array($0.tags.map(\.jsonValue)) },
        ModelColumn("logs", .array, \Span.logs) { .array($0.logs.map(\.jsonValue)) },
    ]
    /// The span start, in ms.
    public var eventTimestamp: Int64 { self.startTime / 1000 }
    /// The value as an event body.
    @_spi(Engine) public var eventBody: EventBody { .span(self) }
    /// The value of a body of this kind.
    @_spi(Engine) @inlinable public static func extract(_ body: EventBody) -> Span? {
        if case .span(let s) = body { return s }
        return nil
    }
}
