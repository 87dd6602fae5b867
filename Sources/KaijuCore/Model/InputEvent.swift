/// One typed input as it enters the runtime: what ingest decodes, what a recording line holds and what
/// an embedder sends with `Runtime.send(_:at:)`.
public enum InputEvent: Sendable, Hashable {
    /// A Telegraf metric.
    case metric(Metric)
    /// A Fluentd / Fluent Bit log record.
    case log(LogRecord)
    /// A Jaeger batch; its spans enter after it, one event each.
    case batch(Batch)
    /// A generic Event (what kaiju-hl receives).
    case event(Event)
    /// An event of a type declared at run time (`create schema Tick(...)`), its columns by name.
    case declared(DeclaredEvent)

    /// The event type's name: `Metric`, `LogRecord`, `Batch`, `Event` or the declared type's.
    public var typeName: String {
        switch self {
        case .metric: return "Metric"
        case .log: return "LogRecord"
        case .batch: return "Batch"
        case .event: return "Event"
        case .declared(let d): return d.type
        }
    }
}

/// An event of a declared type as it arrives: the type's name and the columns it gives (a column it
/// omits is null). The runtime converts each value to its column's type when the event enters.
public struct DeclaredEvent: Sendable, Hashable {
    /// The declared type's name.
    public var type: String
    /// The columns given, by name.
    public var columns: ValueMap

    /// An event of `type` with `columns`.
    public init(type: String, columns: ValueMap) {
        self.type = type
        self.columns = columns
    }
}
