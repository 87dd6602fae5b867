/// A log record (the original's `FLog`): the record's JSON flattened into one level of fields.
///
/// Nested keys are joined with `.` (`kubernetes.labels.app`), array items become `key[0]`, `key[1]`.
/// `timestamp` is the ingestion time in ms.
public struct LogRecord: Sendable, Hashable {
    /// Ingestion time in milliseconds since the epoch.
    public var timestamp: Int64
    /// The flattened fields.
    public var fields: ValueMap

    /// A record stamped `timestamp` (ms) with flattened `fields`.
    public init(timestamp: Int64, fields: ValueMap) {
        self.timestamp = timestamp
        self.fields = fields
    }
}

extension LogRecord {
    /// Parses a JSON record and flattens it; `timestamp` is the ingestion time to stamp it with.
    /// - Parameters:
    ///   - maxDepth: the deepest nesting accepted.
    ///   - maxExpansion: how many flattened key bytes the record may produce per byte of input (see ``KeyFlattener``).
    /// - Throws: ``JSONError`` for malformed JSON, a record that is not an object, or a limit exceeded.
    public init<C: Collection<UInt8>>(
        json bytes: C,
        timestamp: Int64,
        maxDepth: Int = 128,
        maxExpansion: Int = 16
    ) throws(JSONError) {
        let fields = try JSONScanner.parse(bytes, maxDepth: maxDepth) { (s) throws(JSONError) in
            try LogRecord.readFlattenedFields(&s, maxExpansion: maxExpansion)
        }
        self.init(timestamp: timestamp, fields: fields)
    }

    /// Reads a record object at the scanner's position, flattened.
    @_spi(Codecs) public static func readFlattenedFields(
        _ s: inout JSONScanner,
        maxExpansion: Int = 16
    ) throws(JSONError) -> ValueMap {
        guard s.peek() == UInt8(ascii: "{") else { throw s.error("a log record must be a JSON object") }
        var entries: [ValueMap.Entry] = []
        try s.readFlattened(into: &entries, maxExpansion: maxExpansion)
        return ValueMap(entries)
    }

    /// Flattens an already parsed record.
    public init(timestamp: Int64, record: ValueMap) {
        var entries: [ValueMap.Entry] = []
        for e in record { Self.flatten(e.value, prefix: e.key, into: &entries) }
        self.init(timestamp: timestamp, fields: ValueMap(entries))
    }

    private static func flatten(_ value: Value, prefix: String, into entries: inout [ValueMap.Entry]) {
        switch value {
        case .object(let m): for e in m { flatten(e.value, prefix: prefix + "." + e.key, into: &entries) }
        case .array(let a): for (i, v) in a.enumerated() { flatten(v, prefix: prefix + "[\(i)]", into: &entries) }
        default: entries.append(.init(key: prefix, value: value))
        }
    }

    /// The flattened form as a JSON object.
    public var jsonString: String { Value.object(self.fields).jsonString }
}

extension LogRecord: EventKind {
    /// Reads events of this kind in place (the model is borrowed from the body, not copied).
    @_spi(Engine) public static func engineReader(
        _ read: @escaping @Sendable (LogRecord) -> Value
    ) -> (EngineEvent) -> Value {
        { e in
            if case .log(let m) = e.body { return read(m) }
            return .null
        }
    }
    /// `LogRecord`.
    public static var eventTypeName: String { "LogRecord" }
    /// Timestamp (ms) and the flattened fields.
    public static let columns: [ModelColumn<LogRecord>] = [
        ModelColumn("timestamp", .long, \LogRecord.timestamp) { .int($0.timestamp) },
        ModelColumn(map: "fields", \LogRecord.fields) { $0.fields },
    ]
    /// A record without fields.
    public static func blank(at timestamp: Int64) -> LogRecord? { LogRecord(timestamp: timestamp, fields: [:]) }
    /// The timestamp.
    public var eventTimestamp: Int64 { self.timestamp }
    /// The value as an event body.
    @_spi(Engine) public var eventBody: EventBody { .log(self) }
    /// The value of a body of this kind.
    @_spi(Engine) @inlinable public static func extract(_ body: EventBody) -> LogRecord? {
        if case .log(let l) = body { return l }
        return nil
    }
}
