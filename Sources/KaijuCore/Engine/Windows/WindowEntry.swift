/// An event held by a statement's windows. Shared by every window of an intersection, so that when
/// one window removes it the others can drop it lazily.
final class WindowEntry {
    let event: EngineEvent
    /// Arrival order within the statement.
    let seq: Int64
    /// Engine time when it entered.
    let enteredAt: Int64
    /// False once any window removed it.
    var alive = true

    init(event: EngineEvent, seq: Int64, enteredAt: Int64) {
        self.event = event
        self.seq = seq
        self.enteredAt = enteredAt
    }
}
