/// A data window on a stream (`#time(1 min)`, `#length(10)`, ...). Several in a row intersect, as in Esper:
/// an event stays only while every window keeps it.
public enum WindowSpec: Sendable, Hashable {
    /// The events of the last period: an event entering at t leaves at exactly t + period.
    case time(TimePeriod)
    /// The last n events.
    case length(Int)
    /// The latest event only.
    case lastEvent
    /// The latest event per distinct value of the key expressions.
    case unique([ExprNode])
    /// Tumbling batches of a period, the first starting with the first event.
    case timeBatch(TimePeriod)
    /// Tumbling batches of n events.
    case lengthBatch(Int)
    /// Every event, never removed.
    case keepAll
    /// The first event only; later events do not enter (`#firstevent`).
    case firstEvent
    /// The first n events; later events do not enter (`#firstlength(n)`).
    case firstLength(Int)
    /// The first event per distinct value of the key expressions; later ones with the key do not enter.
    case firstUnique([ExprNode])
    /// The events of the period starting when the statement starts; later events do not enter.
    case firstTime(TimePeriod)

    var isBatch: Bool {
        switch self {
        case .timeBatch, .lengthBatch: return true
        default: return false
        }
    }
}
