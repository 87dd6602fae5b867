/// A Swift model type the engine takes as a typed event (`Metric`, `LogRecord`, `Event`, `Batch`, `Span`).
///
/// Its columns are described once, in ``columns``; everything else (the registered type, property access,
/// `insert into`, the builder's key paths, JSON) is derived from them.
public protocol EventKind: Sendable {
    /// The type name statements use.
    static var eventTypeName: String { get }
    /// Every column, in the order `select *` shows them.
    static var columns: [ModelColumn<Self>] { get }
    /// A value with every column empty and the given time, which inserts and JSON fill in; `nil` for a type
    /// that cannot be built from columns (Batch, Span).
    static func blank(at timestamp: Int64) -> Self?
    /// The event's time in ms, used as engine time on a virtual clock.
    var eventTimestamp: Int64 { get }
    /// Wraps the value as an event body.
    @_spi(Engine) var eventBody: EventBody { get }
    /// Unwraps a body of this kind.
    @_spi(Engine) static func extract(_ body: EventBody) -> Self?
    /// A reader applying `read` to events of this kind in place, `.null` for other events.
    @_spi(Engine) static func engineReader(_ read: @escaping @Sendable (Self) -> Value) -> (EngineEvent) -> Value
}

extension EventKind {
    /// Types that cannot be built from columns.
    public static func blank(at timestamp: Int64) -> Self? { nil }

    /// Reads through ``extract(_:)`` (a copy); the built-in models read in place.
    @_spi(Engine) public static func engineReader(_ read: @escaping @Sendable (Self) -> Value) -> (EngineEvent) -> Value
    {
        { e in Self.extract(e.body).map(read) ?? .null }
    }
}

extension EventKind {
    /// The registered type of a built-in model (the same instance in every runtime), `nil` for a type
    /// without a model. Resolved at compile time for each model, so sending an event looks nothing up.
    static var builtInType: EventType? {
        if Self.self == Metric.self { return EventType.metric }
        if Self.self == LogRecord.self { return EventType.log }
        if Self.self == Event.self { return EventType.event }
        if Self.self == Batch.self { return EventType.batch }
        if Self.self == Span.self { return EventType.span }
        return nil
    }
}
