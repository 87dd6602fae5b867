/// Resolves a column of an event type to a fast reader, once, at compile time.
enum PropertyAccess {
    /// A reader for column `name` of events of `type` (and its subtypes).
    static func reader(_ type: EventType, column name: String) -> ((EngineEvent) -> Value)? {
        guard type.column(name) != nil else { return nil }
        switch type.representation {
        case .metric:
            switch name {
            case "name": return { e in Metric.extract(e.body).map { .string($0.name) } ?? .null }
            case "timestamp": return { e in Metric.extract(e.body).map { .int($0.timestamp) } ?? .null }
            case "fields": return { e in Metric.extract(e.body).map { .object($0.fields) } ?? .null }
            case "tags": return { e in Metric.extract(e.body).map { .object($0.tags) } ?? .null }
            default: return nil
            }
        case .event:
            switch name {
            case "timestamp": return { e in Event.extract(e.body).map { .int($0.timestamp) } ?? .null }
            case "payload": return { e in Event.extract(e.body).map { .object($0.payload) } ?? .null }
            case "context": return { e in Event.extract(e.body).map { .object($0.context) } ?? .null }
            default: return nil
            }
        case .log:
            switch name {
            case "timestamp": return { e in LogRecord.extract(e.body).map { .int($0.timestamp) } ?? .null }
            case "fields": return { e in LogRecord.extract(e.body).map { .object($0.fields) } ?? .null }
            default: return nil
            }
        case .batch, .span:
            return { e in e.property(name) }
        case .row:
            let cache = ColumnIndexCache(name)
            return { e in
                guard case .row(let values) = e.body, let i = cache.index(in: e.type), i < values.count else { return .null }
                return values[i]
            }
        }
    }

    /// A reader for `column(key)` when the column is a map and the key a constant (`tags('host')`).
    static func mapReader(_ type: EventType, column name: String, key: String) -> ((EngineEvent) -> Value)? {
        switch (type.representation, name) {
        case (.metric, "tags"): return { e in Metric.extract(e.body)?.tags[key] ?? .null }
        case (.metric, "fields"): return { e in Metric.extract(e.body)?.fields[key] ?? .null }
        case (.log, "fields"): return { e in LogRecord.extract(e.body)?.fields[key] ?? .null }
        case (.event, "payload"): return { e in Event.extract(e.body)?.payload[key] ?? .null }
        case (.event, "context"): return { e in Event.extract(e.body)?.context[key] ?? .null }
        default:
            guard let base = reader(type, column: name) else { return nil }
            return { e in base(e)[key] }
        }
    }
}

/// Remembers where a column sits in the last concrete subtype seen, so row reads stay O(1).
final class ColumnIndexCache {
    let name: String
    private var type: EventType?
    private var cached: Int?

    init(_ name: String) { self.name = name }

    func index(in type: EventType) -> Int? {
        if self.type !== type {
            self.type = type
            self.cached = type.columnIndex(self.name)
        }
        return self.cached
    }
}
