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
    /// Tumbling batches of a period with Esper's flags: `FORCE_UPDATE` (an empty batch still updates)
    /// and `START_EAGER` (the first batch starts with the statement, not the first event).
    case timeBatchFlagged(TimePeriod, forceUpdate: Bool, startEager: Bool)
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
    /// The first n events in the order of the sort keys (`#sort(n, price desc)`); the last in that order leaves.
    case sort(Int, [StatementPlan.OrderItem])
    /// The latest event per distinct value of `unique`, at most n of them, in the order of the sort keys
    /// (`#rank(side, 2, qty desc)`); the last in that order leaves.
    case rank(unique: [ExprNode], Int, [StatementPlan.OrderItem])
    /// The windows that follow it, one per distinct value of the key expressions (`#groupwin(host)#length(3)`).
    case groupWin([ExprNode])
    /// The events whose timestamp (the expression, in ms) lies within the period of the newest one's
    /// (`#ext_timed(ts, 5 sec)`): driven by the events, not the engine clock.
    case externallyTimed(ExprNode, TimePeriod)
    /// Every event until the period passes without one; then all leave together (`#time_accum(2 sec)`).
    case timeAccumulating(TimePeriod)
    /// The newest events for which the expression holds of the oldest (`#expr(current_count <= 3)`); it reads the
    /// oldest event's properties and `current_count`, `oldest_timestamp`, `newest_timestamp`.
    case expression(ExprNode)

    var isBatch: Bool {
        switch self {
        case .timeBatch, .timeBatchFlagged, .lengthBatch: return true
        default: return false
        }
    }
}
