/// A metric as Telegraf sends it: a name, a timestamp in ms, numeric (or string/bool) fields and string tags.
///
/// Wire form (Telegraf's JSON serializer, `json_timestamp_units = "1ms"`):
/// `{"fields":{"counter":1234.5},"name":"cpu","tags":{"host":"a"},"timestamp":1542650713000}`;
/// a batch is `{"metrics":[...]}`.
public struct Metric: Sendable, Hashable {
    /// The measurement name (`cpu`).
    public var name: String
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    /// The measured values.
    public var fields: ValueMap
    /// The tags (`host`, `cpu`).
    public var tags: ValueMap

    /// A metric `name` at `timestamp` (ms) with `fields` and `tags`.
    public init(name: String, timestamp: Int64, fields: ValueMap = [:], tags: ValueMap = [:]) {
        self.name = name
        self.timestamp = timestamp
        self.fields = fields
        self.tags = tags
    }
}

extension Metric {
    /// The columns in Telegraf's JSON order (its serializer sorts keys: fields, name, tags, timestamp).
    static let jsonColumns = Metric.columns.sorted { $0.name < $1.name }

    /// Decodes one metric object at the scanner's position.
    /// - Throws: ``JSONError`` for a member of the wrong type or a missing `name`.
    @_spi(Codecs) public static func decode(from s: inout JSONScanner) throws(JSONError) -> Metric {
        try ModelJSON.decode(from: &s)
    }

    /// Parses a metric from JSON bytes.
    public init<C: Collection<UInt8>>(json bytes: C) throws(JSONError) {
        self = try JSONScanner.parse(bytes) { (s) throws(JSONError) in try Metric.decode(from: &s) }
    }

    /// Parses a metric batch `{"metrics":[...]}`.
    public static func decodeBatch<C: Collection<UInt8>>(json bytes: C) throws(JSONError) -> [Metric] {
        try ModelJSON.decodeBatch(json: bytes, key: "metrics")
    }

    /// Writes Telegraf's JSON form.
    public func encode(to w: inout JSONWriter) { ModelJSON.encode(self, columns: Self.jsonColumns, to: &w) }

    /// Telegraf's JSON form as text.
    public var jsonString: String {
        var w = JSONWriter()
        self.encode(to: &w)
        return w.string
    }

    /// Encodes metrics as a batch `{"metrics":[...]}`.
    public static func encodeBatch(_ metrics: [Metric]) -> String {
        ModelJSON.encodeBatch(metrics, key: "metrics", columns: Self.jsonColumns)
    }
}

extension Metric: EventKind {
    /// Reads events of this kind in place (the model is borrowed from the body, not copied).
    @_spi(Engine) public static func engineReader(
        _ read: @escaping @Sendable (Metric) -> Value
    ) -> (EngineEvent) -> Value {
        { e in
            if case .metric(let m) = e.body { return read(m) }
            return .null
        }
    }
    /// `Metric`.
    public static var eventTypeName: String { "Metric" }
    /// Name, timestamp (ms), fields and tags.
    public static let columns: [ModelColumn<Metric>] = [
        ModelColumn("name", .string, \Metric.name, required: true) { .string($0.name) },
        ModelColumn("timestamp", .long, \Metric.timestamp) { .int($0.timestamp) },
        ModelColumn(map: "fields", \Metric.fields) { $0.fields },
        ModelColumn(map: "tags", \Metric.tags) { $0.tags },
    ]
    /// A metric without a name, fields or tags.
    public static func blank(at timestamp: Int64) -> Metric? { Metric(name: "", timestamp: timestamp) }
    /// The timestamp.
    public var eventTimestamp: Int64 { self.timestamp }
    /// The value as an event body.
    @_spi(Engine) public var eventBody: EventBody { .metric(self) }
    /// The value of a body of this kind.
    @_spi(Engine) @inlinable public static func extract(_ body: EventBody) -> Metric? {
        if case .metric(let m) = body { return m }
        return nil
    }
}
