/// A metric as Telegraf sends it: a name, a timestamp in ms, numeric (or string/bool) fields and string tags.
///
/// Wire form (Telegraf's JSON serializer, `json_timestamp_units = "1ms"`):
/// `{"fields":{"counter":1234.5},"name":"cpu","tags":{"host":"a"},"timestamp":1542650713000}`;
/// a batch is `{"metrics":[...]}`.
public struct Metric: Sendable, Hashable {
    public var name: String
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    public var fields: ValueMap
    public var tags: ValueMap

    public init(name: String, timestamp: Int64, fields: ValueMap = [:], tags: ValueMap = [:]) {
        self.name = name
        self.timestamp = timestamp
        self.fields = fields
        self.tags = tags
    }
}

extension Metric {
    /// Decodes one metric object at the scanner's position.
    public static func decode(from s: inout JSONScanner) throws(JSONError) -> Metric {
        var metric = Metric(name: "", timestamp: 0)
        var sawName = false
        try s.readObject { (s, key) throws(JSONError) in
            switch key {
            case "name":
                metric.name = try s.readString()
                sawName = true
            case "timestamp":
                let at = s.offset
                switch try s.readNumber() {
                case .int(let i): metric.timestamp = i
                case .double(let d) where d.isFinite && abs(d) < 9.2e18: metric.timestamp = Int64(d)
                default: throw JSONError(offset: at, message: "timestamp is not a number")
                }
            case "fields": metric.fields = try s.readValueMap()
            case "tags": metric.tags = try s.readValueMap()
            default: try s.skipValue()
            }
        }
        if !sawName { throw s.error("metric has no \"name\"") }
        return metric
    }

    /// Parses a metric from JSON bytes.
    public init<C: Collection<UInt8>>(json bytes: C) throws(JSONError) {
        self = try JSONScanner.parse(bytes) { (s) throws(JSONError) in try Metric.decode(from: &s) }
    }

    /// Parses a metric batch `{"metrics":[...]}`.
    public static func decodeBatch<C: Collection<UInt8>>(json bytes: C) throws(JSONError) -> [Metric] {
        try JSONScanner.parse(bytes) { (s) throws(JSONError) in
            var metrics: [Metric] = []
            try s.readObject { (s, key) throws(JSONError) in
                if key == "metrics" {
                    try s.readArray { (s) throws(JSONError) in metrics.append(try Metric.decode(from: &s)) }
                } else {
                    try s.skipValue()
                }
            }
            return metrics
        }
    }

    /// Writes Telegraf's JSON form (keys in Telegraf's order: fields, name, tags, timestamp).
    public func encode(to w: inout JSONWriter) {
        w.object { w in
            w.key("fields", first: true)
            w.write(self.fields)
            w.key("name")
            w.write(self.name)
            w.key("tags")
            w.write(self.tags)
            w.key("timestamp")
            w.write(self.timestamp)
        }
    }

    /// Telegraf's JSON form as text.
    public var jsonString: String {
        var w = JSONWriter()
        self.encode(to: &w)
        return w.string
    }

    /// Encodes metrics as a batch `{"metrics":[...]}`.
    public static func encodeBatch(_ metrics: [Metric]) -> String {
        var w = JSONWriter()
        w.object { w in
            w.key("metrics", first: true)
            w.array(metrics) { w, m in m.encode(to: &w) }
        }
        return w.string
    }
}
