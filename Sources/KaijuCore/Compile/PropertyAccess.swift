/// Resolves a column of an event type to a fast reader, once, at compile time.
///
/// Readers switch on the event body in place: the model value is borrowed, never copied.
enum PropertyAccess {
    typealias Reader = (EngineEvent) -> Value

    /// A reader of a model type's column: one switch on the body, then the column's own reader.
    private static func model<M: EventKind>(_ kind: M.Type, column name: String) -> Reader? {
        M.modelColumn(name).map { M.engineReader($0.read) }
    }

    /// A reader of `key` in a model type's map column, looked up without wrapping the map.
    private static func model<M: EventKind>(_ kind: M.Type, column name: String, key: String) -> Reader? {
        guard let readMap = M.modelColumn(name)?.readMap else { return nil }
        return M.engineReader({ readMap($0)[key] ?? .null })
    }

    /// A reader for column `name` of events of `type` (and its subtypes).
    static func reader(_ type: EventType, column name: String) -> Reader? {
        guard type.column(name) != nil else { return nil }
        switch type.representation {
        case .metric: return self.model(Metric.self, column: name)
        case .log: return self.model(LogRecord.self, column: name)
        case .event: return self.model(Event.self, column: name)
        case .batch: return self.model(Batch.self, column: name)
        case .span: return self.model(Span.self, column: name)
        case .tuple:
            return { e in e.property(name) }
        case .row:
            let cache = ColumnIndexCache(name)
            return { e in
                guard let i = cache.index(in: e.type) else { return .null }
                switch e.body {
                case .row(let values): return i < values.count ? values[i] : .null
                case .tableRow(let r): return i < r.values.count ? r.values[i] : .null
                default: return .null
                }
            }
        }
    }

    /// A reader for `column(key)` when the column is a map and the key a constant (`tags('host')`).
    static func mapReader(_ type: EventType, column name: String, key: String) -> Reader? {
        let direct: Reader?
        switch type.representation {
        case .metric: direct = self.model(Metric.self, column: name, key: key)
        case .log: direct = self.model(LogRecord.self, column: name, key: key)
        case .event: direct = self.model(Event.self, column: name, key: key)
        default: direct = nil
        }
        if let direct { return direct }
        guard let base = reader(type, column: name) else { return nil }
        return { e in base(e)[key] }
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
