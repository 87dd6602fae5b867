/// What an event carries, by representation: a Swift model value or a row of a declared type.
@_spi(Engine) public enum EventBody {
    case metric(Metric)
    case log(LogRecord)
    case event(Event)
    case batch(Batch)
    case span(Span)
    /// Values in the order of the event type's ``EventType/columns``.
    case row([Value])
    /// A table's row, in column order, updated in place by on-merge statements.
    case tableRow(TableRow)
    /// One event per stream of a multi-stream result (a pattern match, a join row, a contained-event
    /// row), in the order of the tuple type's columns; `nil` where a stream has no event.
    case tuple([EngineEvent?])
}

/// An event inside the engine: its type, its engine timestamp (ms) and its body.
///
/// The values of one table row. A class, so on-merge updates change the row in place (one event per
/// row for its whole life) instead of building a new event per assignment.
///
/// Only the engine's thread updates it, between evaluations; table rows leave the engine only as ``Row`` copies.
@_spi(Engine) public final class TableRow {
    @exclusivity(unchecked) public internal(set) var values: [Value]
    init(_ values: [Value]) { self.values = values }
}

/// A class, so windows, groups and evaluation contexts share one event for the price of a retain.
@_spi(Engine) public final class EngineEvent {
    public let type: EventType
    /// Engine time (ms) at which the event entered.
    public let timestamp: Int64
    /// What the event carries.
    public let body: EventBody

    /// An event of `type` at `timestamp` carrying `body`.
    public init(type: EventType, timestamp: Int64, body: EventBody) {
        self.type = type
        self.timestamp = timestamp
        self.body = body
    }

    /// The Event this event is: its own body for an `Event`, else read from its `timestamp`, `payload` and
    /// `context` properties (a subtype declared with those columns).
    var asEvent: Event {
        if case .event(let e) = self.body { return e }
        return Event(
            timestamp: self.property("timestamp").intValue ?? self.timestamp,
            payload: self.property("payload").objectValue ?? [:],
            context: self.property("context").objectValue ?? [:]
        )
    }

    /// A property by name, as EPL's `select *` and dynamic access see it; `.null` when absent.
    public func property(_ name: String) -> Value {
        guard let i = self.type.columnIndex(name) else { return .null }
        return self.property(at: i)
    }

    /// The property in column `i` of the event's type; `.null` past the end.
    func property(at i: Int) -> Value {
        // A model type's columns are its model's, in the same order (model types have no subtypes).
        switch self.body {
        case .metric(let m): return Metric.value(at: i, in: m)
        case .log(let l): return LogRecord.value(at: i, in: l)
        case .event(let e): return Event.value(at: i, in: e)
        case .batch(let b): return Batch.value(at: i, in: b)
        case .span(let s): return Span.value(at: i, in: s)
        case .row(let values): return i < values.count ? values[i] : .null
        case .tableRow(let r): return i < r.values.count ? r.values[i] : .null
        case .tuple(let parts): return i < parts.count ? parts[i]?.value ?? .null : .null
        }
    }

    /// Every column's value, in the order of the type's columns (EPL's `select *`).
    var columnValues: [Value] {
        switch self.body {
        case .metric(let m): return Metric.columnValues(of: m)
        case .log(let l): return LogRecord.columnValues(of: l)
        case .event(let e): return Event.columnValues(of: e)
        case .batch(let b): return Batch.columnValues(of: b)
        case .span(let s): return Span.columnValues(of: s)
        case .row(let values): return values
        case .tableRow(let r): return r.values
        case .tuple(let parts): return parts.map { $0?.value ?? .null }
        }
    }

    /// The event as one map of its properties (how a pattern tag or join stream appears in `select *`).
    public var value: Value {
        .object(ValueMap(self.properties.map { ValueMap.Entry(key: $0.0, value: $0.1) }))
    }

    /// The event of stream `slot` of a tuple, or `nil`.
    @inlinable public func part(_ slot: Int) -> EngineEvent? {
        if case .tuple(let parts) = self.body, slot < parts.count { return parts[slot] }
        return nil
    }

    /// Every column of the event's type with its value, in column order (EPL's `select *`).
    public var properties: [(String, Value)] {
        Array(zip(self.type.columnNames, self.columnValues))
    }
}
