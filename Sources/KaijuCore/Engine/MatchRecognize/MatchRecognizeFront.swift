/// A stream matched against a row pattern (`match_recognize`): per partition, every event may start a
/// match and moves the live attempts along the automaton; a completed attempt becomes a row of the
/// measures, which enters the stream's windows as the stream's event. Attempts are bounded by the
/// pattern instance limit (the oldest are dropped, counted).
final class MatchRecognizeFront: StatementFront {
    /// One attempt: where it is, the sequence number of its first event, the events each variable took.
    struct Attempt {
        var state: Int
        let start: Int64
        var events: [[EngineEvent]]
    }

    /// One partition's attempts and recent events (for `prev`).
    final class Partition {
        var attempts: [Attempt] = []
        var recent: [EngineEvent] = []
        var seq: Int64 = 0
        /// Attempts starting at or before this are skipped (`after match skip`).
        var skipThrough: Int64 = 0
    }

    let inputs: [EventType]
    let filter: CompiledExpr?
    let stage: WindowStage
    let rules: MatchRecognizeRules
    @exclusivity(unchecked) private var partitions: [HashedValue: Partition] = [:]
    @exclusivity(unchecked) private var single = Partition()
    @exclusivity(unchecked) private var matched: [WindowEntry] = []
    @exclusivity(unchecked) private var entrySeq: Int64 = 0
    @exclusivity(unchecked) private(set) var droppedInstances = 0

    init(type: EventType, filter: CompiledExpr?, stage: WindowStage, rules: MatchRecognizeRules) {
        self.inputs = [type]
        self.filter = filter
        self.stage = stage
        self.rules = rules
    }

    var streamFilter: CompiledExpr? { self.filter }
    var contents: [EngineEvent] { self.stage.contents.map(\.event) }
    var evictions: Int { self.stage.evictions }
    var liveInstances: Int { self.partitions.values.reduce(self.single.attempts.count) { $0 + $1.attempts.count } }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        let ctx = self.rules.context
        if let f = self.filter {
            ctx.event = event
            guard f(ctx).isTrue else { return }
        }
        statement.eventsIn += 1
        let partition: Partition
        if self.rules.partitionBy.isEmpty {
            partition = self.single
        } else {
            ctx.event = event
            let key = HashedValue(Value.key(of: self.rules.partitionBy, in: ctx))
            if let p = self.partitions[key] {
                partition = p
            } else if self.partitions.count < self.rules.maxAttempts {
                partition = Partition()
                self.partitions[key] = partition
            } else {
                self.droppedInstances += 1
                return
            }
        }
        let completed = self.advance(partition, with: event)
        self.matched.clear()
        for m in completed {
            self.entrySeq += 1
            let row = EngineEvent(type: self.rules.matchType, timestamp: runtime.now, body: .row(self.rules.measure(m)))
            self.matched.append(WindowEntry(event: row, seq: self.entrySeq, enteredAt: runtime.now))
        }
        if !self.matched.isEmpty {
            self.stage.insert(self.matched, statement: statement, runtime: runtime) {
                statement.update(new: $0, old: $1, runtime: runtime)
            }
        }
    }

    /// Moves the partition's attempts (and a new one starting here) along with `event`; returns the
    /// matches to report, after `after match skip` and one-row-per-match are applied.
    private func advance(_ p: Partition, with event: EngineEvent) -> [Attempt] {
        p.seq += 1
        let automaton = self.rules.automaton
        var next: [Attempt] = []
        var done: [Attempt] = []
        let empty = [[EngineEvent]](repeating: [], count: self.rules.variables.count)
        var candidates = p.attempts
        for s in automaton.closure(automaton.start) {
            if case .consume = automaton.states[s] { candidates.append(Attempt(state: s, start: p.seq, events: empty)) }
        }
        for a in candidates {
            guard case .consume(let v, let n) = automaton.states[a.state], self.rules.accepts(v, event, a, p.recent)
            else { continue }
            var moved = a
            moved.events[v].append(event)
            for s in automaton.closure(n) {
                if case .final = automaton.states[s] {
                    done.append(moved)
                } else {
                    moved.state = s
                    next.append(moved)
                }
            }
        }
        if next.count > self.rules.maxAttempts {
            self.droppedInstances += next.count - self.rules.maxAttempts
            next.removeFirst(next.count - self.rules.maxAttempts)
        }
        p.recent.append(event)
        if p.recent.count > self.rules.prevDepth { p.recent.removeFirst(p.recent.count - self.rules.prevDepth) }
        var report: [Attempt] = []
        var lastStart: Int64?
        for m in done where m.start > p.skipThrough {
            if !self.rules.allMatches, m.start == lastStart { continue }
            report.append(m)
            lastStart = m.start
            switch self.rules.skip {
            case .pastLastRow: if !self.rules.allMatches { p.skipThrough = p.seq }
            case .toNextRow: p.skipThrough = max(p.skipThrough, m.start)
            case .toCurrentRow: p.skipThrough = max(p.skipThrough, p.seq - 1)
            }
        }
        if self.rules.allMatches, !report.isEmpty, self.rules.skip == .pastLastRow { p.skipThrough = p.seq }
        let through = p.skipThrough
        p.attempts = next.filter { $0.start > through }
        return report
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {
        self.stage.fire(kind, at: at, statement: statement, runtime: runtime) {
            statement.update(new: $0, old: $1, runtime: runtime)
        }
    }
}
