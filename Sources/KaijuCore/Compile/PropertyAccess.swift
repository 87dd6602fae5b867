/// Resolves a column of an event type to a fast reader, once, at compile time.
enum PropertyAccess {
    /// A reader for column `name` of events of `type` (and its subtypes).
    static func reader(_ type: EventType, column name: String) -> ((EngineEvent) -> Value)? {
        guard type.column(name) != nil else { return nil }
        switch type.representation {
        case .metric:
            switch name {
            case "name": return { e in
                if case .metric(let v) = e.body { return .string(v.name) }
                return .null
            }
            case "timestamp": return { e in
                if case .metric(let v) = e.body { return .int(v.timestamp) }
                return .null
            }
            case "fields": return { e in
                if case .metric(let v) = e.body { return .object(v.fields) }
                return .null
            }
            case "tags": return { e in
                if case .metric(let v) = e.body { return .object(v.tags) }
                return .null
            }
            default: return nil
            }
        case .event:
            switch name {
            case "timestamp": return { e in
                if case .event(let v) = e.body { return .int(v.timestamp) }
                return .null
            }
            case "payload": return { e in
                if case .event(let v) = e.body { return .object(v.payload) }
                return .null
            }
            case "context": return { e in
                if case .event(let v) = e.body { return .object(v.context) }
                return .null
            }
            default: return nil
            }
        case .log:
            switch name {
            case "timestamp": return { e in
                if case .log(let v) = e.body { return .int(v.timestamp) }
                return .null
            }
            case "fields": return { e in
                if case .log(let v) = e.body { return .object(v.fields) }
                return .null
            }
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
        case (.metric, "tags"): return { e in
            if case .metric(let v) = e.body { return v.tags[key] ?? .null }
            return .null
        }
        case (.metric, "fields"): return { e in
            if case .metric(let v) = e.body { return v.fields[key] ?? .null }
            return .null
        }
        case (.log, "fields"): return { e in
            if case .log(let v) = e.body { return v.fields[key] ?? .null }
            return .null
        }
        case (.event, "payload"): return { e in
            if case .event(let v) = e.body { return v.payload[key] ?? .null }
            return .null
        }
        case (.event, "context"): return { e in
            if case .event(let v) = e.body { return v.context[key] ?? .null }
            return .null
        }
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
