/// One group's aggregates (or the single group of an ungrouped statement).
final class GroupState {
    let key: HashedValue
    let aggregators: [Aggregator]
    /// Events of this group currently in the window.
    @exclusivity(unchecked) var eventCount = 0
    /// The update in which the group was last touched, to list each touched group once.
    @exclusivity(unchecked) var touchedIn: Int64 = -1
    /// The update in which the group's remove-stream row was built (`irstream`), once per update.
    @exclusivity(unchecked) var oldRowIn: Int64 = -1
    /// The event that last touched the group, which non-aggregated select items read.
    @exclusivity(unchecked) var representative: EngineEvent?
    /// Engine time of the last touch (a deferred row is projected as of then).
    @exclusivity(unchecked) var touchedAt: Int64 = 0
    /// The output period in which the group's row is held, and where (see ``OutputLimiter``).
    @exclusivity(unchecked) var heldInPeriod = -1
    @exclusivity(unchecked) var heldIndex = 0
    /// Whether the group was dropped from the statement's groups (its last event left).
    @exclusivity(unchecked) var retired = false
    /// The next group whose key has the same hash (see ``GroupIndex``).
    @exclusivity(unchecked) var nextWithSameHash: GroupState?

    init(key: HashedValue, aggregates: [Aggregator.Recipe]) {
        self.key = key
        self.aggregators = aggregates.map(Aggregator.make)

    }
}
