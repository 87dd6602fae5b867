/// Resolves a column of an event type to a fast reader, once, at compile time.
///
/// Readers switch on the event body in place: the model value is borrowed, never copied.
enum PropertyAccess {
    typealias Reader = (EngineEvent) -> Value

    private static func metric(_ read: @escaping (Metric) -> Value) -> Reader {
        { e in
            if case .metric(let m) = e.body { return read(m) }
            return .null
        }
    }

    private static func event(_ read: @escaping (Event) -> Value) -> Reader {
        { e in
            if case .event(let ev) = e.body { return read(ev) }
            return .null
        }
    }

    private static func span(_ read: @escaping (Span) -> Value) -> Reader {
        { e in
            if case .span(let s) = e.body { return read(s) }
            return .null
        }
    }

    private static func log(_ read: @escaping (LogRecord) -> Value) -> Reader {
        { e in
            if case .log(let l) = e.body { return read(l) }
            return .null
        }
    }

    /// A reader for column `name` of events of `type` (and its subtypes).
    ///
    /// Metric's columns (group keys and aggregate arguments of the metrics rules) switch on the body
    /// themselves: one closure call per read instead of two.
    static func reader(_ type: EventType, column name: String) -> Reader? {
        guard type.column(name) != nil else { return nil }
        switch (type.representation, name) {
        case (.metric, "name"):
            return { e in
                guard case .metric(let m) = e.body else { return .null }
                return .string(m.name)
            }
        case (.metric, "timestamp"):
            return { e in
                guard case .metric(let m) = e.body else { return .null }
                return .int(m.timestamp)
            }
        case (.metric, "fields"): return metric { .object($0.fields) }
        case (.metric, "tags"): return metric { .object($0.tags) }
        case (.event, "timestamp"): return event { .int($0.timestamp) }
        case (.event, "payload"): return event { .object($0.payload) }
        case (.event, "context"): return event { .object($0.context) }
        case (.log, "timestamp"): return log { .int($0.timestamp) }
        case (.log, "fields"): return log { .object($0.fields) }
        case (.span, "operationName"): return span { .string($0.operationName) }
        case (.span, "duration"): return span { .int($0.duration) }
        case (.span, "startTime"): return span { .int($0.startTime) }
        case (.span, "traceIdLow"): return span { .int($0.traceIdLow) }
        case (.span, "traceIdHigh"): return span { .int($0.traceIdHigh) }
        case (.span, "spanId"): return span { .int($0.spanId) }
        case (.span, "parentSpanId"): return span { .int($0.parentSpanId) }
        case (.batch, _), (.span, _), (.tuple, _):
            return { e in e.property(name) }
        case (.row, _):
            let cache = ColumnIndexCache(name)
            return { e in
                guard let i = cache.index(in: e.type) else { return .null }
                switch e.body {
                case .row(let values): return i < values.count ? values[i] : .null
                case .tableRow(let r): return i < r.values.count ? r.values[i] : .null
                default: return .null
                }
            }
        default:
            return nil
        }
    }

    /// A reader for `column(key)` when the column is a map and the key a constant (`tags('host')`).
    static func mapReader(_ type: EventType, column name: String, key: String) -> Reader? {
        switch (type.representation, name) {
        case (.metric, "tags"):
            return { e in
                guard case .metric(let m) = e.body else { return .null }
                return m.tags[key] ?? .null
            }
        case (.metric, "fields"):
            return { e in
                guard case .metric(let m) = e.body else { return .null }
                return m.fields[key] ?? .null
            }
        case (.log, "fields"): return log { $0.fields[key] ?? .null }
        case (.event, "payload"): return event { $0.payload[key] ?? .null }
        case (.event, "context"): return event { $0.context[key] ?? .null }
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
