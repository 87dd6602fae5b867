/// An event held by a statement's windows. Shared by every window of an intersection, so that when
/// one window removes it the others can drop it lazily.
final class WindowEntry {
    @exclusivity(unchecked) private(set) var event: EngineEvent
    /// Arrival order within the statement.
    @exclusivity(unchecked) private(set) var seq: Int64
    /// Engine time when it entered.
    @exclusivity(unchecked) private(set) var enteredAt: Int64
    /// False once any window removed it.
    @exclusivity(unchecked) var alive = true
    /// The group it was aggregated into, so leaving needs no key evaluation or lookup. A group with a
    /// live entry is never retired, so the reference stays valid while the entry is in the window.
    @exclusivity(unchecked) var group: GroupState?
    /// Whether leaving should find its group by key (join rows built anew for leaving, never aggregated as such).
    @exclusivity(unchecked) var findsGroupOnLeave = false

    init(event: EngineEvent, seq: Int64, enteredAt: Int64) {
        self.event = event
        self.seq = seq
        self.enteredAt = enteredAt
    }

    /// Puts an updated event in the entry's place (an on-update or on-merge over a named window).
    func replace(with event: EngineEvent) { self.event = event }

    /// Makes a spare entry (one nothing else references any more) stand for a new event.
    func reuse(for event: EngineEvent, seq: Int64, enteredAt: Int64) {
        self.event = event
        self.seq = seq
        self.enteredAt = enteredAt
        self.alive = true
        self.group = nil
        self.findsGroupOnLeave = false
    }
}
