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

    /// The event type's name: `Metric`, `LogRecord`, `Batch` or `Event`.
    public var typeName: String {
        switch self {
        case .metric: return "Metric"
        case .log: return "LogRecord"
        case .batch: return "Batch"
        case .event: return "Event"
        }
    }
}
