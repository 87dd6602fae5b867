/// What an event carries, by representation: a Swift model value or a row of a declared type.
public enum EventBody: Sendable {
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
/// `@unchecked Sendable`: only the engine's thread updates it, between evaluations; table rows
/// leave the engine only as ``Row`` copies.
public final class TableRow: @unchecked Sendable {
    @exclusivity(unchecked) public internal(set) var values: [Value]
    init(_ values: [Value]) { self.values = values }
}

/// A class, so windows, groups and evaluation contexts share one event for the price of a retain.
public final class EngineEvent: Sendable {
    public let type: EventType
    public let timestamp: Int64
    public let body: EventBody

    public init(type: EventType, timestamp: Int64, body: EventBody) {
        self.type = type
        self.timestamp = timestamp
        self.body = body
    }

    /// The values of a `.row` or `.tableRow` body (empty for other bodies).
    var rowValues: [Value] {
        switch self.body {
        case .row(let values): return values
        case .tableRow(let r): return r.values
        default: return []
        }
    }

    /// The Event this event is: its own body for an `Event`, else read from its `timestamp`, `payload` and
    /// `context` properties (a subtype declared with those columns).
    var asEvent: Event {
        if case .event(let e) = self.body { return e }
        return Event(
            timestamp: self.property("timestamp").intValue ?? self.timestamp,
            payload: self.property("payload").objectValue ?? [:],
            context: self.property("context").objectValue ?? [:])
    }

    /// A property by name, as EPL's `select *` and dynamic access see it; `.null` when absent.
    public func property(_ name: String) -> Value {
        switch self.body {
        case .metric(let m):
            switch name {
            case "name": return .string(m.name)
            case "timestamp": return .int(m.timestamp)
            case "fields": return .object(m.fields)
            case "tags": return .object(m.tags)
            default: return .null
            }
        case .log(let l):
            switch name {
            case "timestamp": return .int(l.timestamp)
            case "fields": return .object(l.fields)
            default: return .null
            }
        case .event(let e):
            switch name {
            case "timestamp": return .int(e.timestamp)
            case "payload": return .object(e.payload)
            case "context": return .object(e.context)
            default: return .null
            }
        case .batch(let b):
            return b.column(name)
        case .span(let s):
            return s.column(name)
        case .row(let values):
            guard let i = self.type.columnIndex(name), i < values.count else { return .null }
            return values[i]
        case .tableRow(let r):
            guard let i = self.type.columnIndex(name), i < r.values.count else { return .null }
            return r.values[i]
        case .tuple(let parts):
            guard let i = self.type.columnIndex(name), i < parts.count else { return .null }
            return parts[i]?.value ?? .null
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
        switch self.body {
        case .row, .tableRow: return zip(self.type.columns, self.rowValues).map { ($0.name, $1) }
        default: break
        }
        return self.type.columns.map { ($0.name, self.property($0.name)) }
    }
}

/// A Swift model type the engine takes as a typed event (`Metric`, `LogRecord`, `Event`, `Batch`, `Span`).
public protocol EventKind: Sendable {
    /// The type name statements use.
    static var eventTypeName: String { get }
    /// The event's time in ms, used as engine time on a virtual clock.
    var eventTimestamp: Int64 { get }
    /// Wraps the value as an event body.
    var eventBody: EventBody { get }
    /// Unwraps a body of this kind.
    static func extract(_ body: EventBody) -> Self?
}

extension Metric: EventKind {
    public static var eventTypeName: String { "Metric" }
    public var eventTimestamp: Int64 { self.timestamp }
    public var eventBody: EventBody { .metric(self) }
    @inlinable public static func extract(_ body: EventBody) -> Metric? {
        if case .metric(let m) = body { return m }
        return nil
    }
}

extension LogRecord: EventKind {
    public static var eventTypeName: String { "LogRecord" }
    public var eventTimestamp: Int64 { self.timestamp }
    public var eventBody: EventBody { .log(self) }
    @inlinable public static func extract(_ body: EventBody) -> LogRecord? {
        if case .log(let l) = body { return l }
        return nil
    }
}

extension Event: EventKind {
    public static var eventTypeName: String { "Event" }
    public var eventTimestamp: Int64 { self.timestamp }
    public var eventBody: EventBody { .event(self) }
    @inlinable public static func extract(_ body: EventBody) -> Event? {
        if case .event(let e) = body { return e }
        return nil
    }
}

extension Batch: EventKind {
    public static var eventTypeName: String { "Batch" }
    /// The earliest span start, in ms (0 for an empty batch).
    public var eventTimestamp: Int64 { (self.spans.map(\.startTime).min() ?? 0) / 1000 }
    public var eventBody: EventBody { .batch(self) }
    @inlinable public static func extract(_ body: EventBody) -> Batch? {
        if case .batch(let b) = body { return b }
        return nil
    }
}

extension Span: EventKind {
    public static var eventTypeName: String { "Span" }
    /// The span start, in ms.
    public var eventTimestamp: Int64 { self.startTime / 1000 }
    public var eventBody: EventBody { .span(self) }
    @inlinable public static func extract(_ body: EventBody) -> Span? {
        if case .span(let s) = body { return s }
        return nil
    }
}
