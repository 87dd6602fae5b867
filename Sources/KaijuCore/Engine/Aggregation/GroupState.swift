/// One group's aggregates (or the single group of an ungrouped statement).
final class GroupState {
    let key: Value
    let aggregators: [Aggregator]
    /// Events of this group currently in the window.
    var eventCount = 0
    /// The update in which the group was last touched, to list each touched group once.
    var touchedIn: Int64 = -1
    /// The event that last touched the group, which non-aggregated select items read.
    var representative: EngineEvent?

    init(key: Value, aggregates: [(kind: AggregateKind, argument: ExprNode?)]) {
        self.key = key
        self.aggregators = aggregates.map { Aggregator.make($0.kind, countsRows: $0.argument == nil) }
    }
}
