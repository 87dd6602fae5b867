import HeapModule

/// Engine-time timers. Timers due at the same time fire as Esper's schedule slots order them: statements
/// in creation order, and within a statement its windows before its output period, so a period ending
/// at T sees every expiry at T.
struct Scheduler {
    struct Timer: Comparable {
        let at: Int64
        let seq: Int64
        let statement: Statement
        let kind: Statement.TimerKind

        static func < (a: Timer, b: Timer) -> Bool {
            (a.at, a.statement.ordinal, a.kind.rank, a.seq) < (b.at, b.statement.ordinal, b.kind.rank, b.seq)
        }
        static func == (a: Timer, b: Timer) -> Bool { a.at == b.at && a.seq == b.seq }
    }

    private var heap = Heap<Timer>()
    private var seq: Int64 = 0

    mutating func schedule(at: Int64, _ statement: Statement, _ kind: Statement.TimerKind) {
        self.seq += 1
        self.heap.insert(Timer(at: at, seq: self.seq, statement: statement, kind: kind))
    }

    /// The earliest timer due at or before `time`, removed.
    mutating func popDue(upTo time: Int64) -> Timer? {
        guard let t = self.heap.min, t.at <= time else { return nil }
        return self.heap.removeMin()
    }

    /// When the next timer is due.
    var nextDue: Int64? { self.heap.min?.at }

    /// The heap and the last sequence number issued, for ``_checkInvariants()``.
    var heapForInvariants: Heap<Timer> { self.heap }
    var seqForInvariants: Int64 { self.seq }

    /// Timers pending.
    var count: Int { self.heap.count }
}
