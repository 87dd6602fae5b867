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
        /// With `interval`: when it is reported (its first event's time plus the interval).
        var deadline = Int64.max
        /// With `interval`: its events when it last completed the pattern (what is reported).
        var completed: [[EngineEvent]]?
    }

    /// One partition's attempts and recent events (for `prev`).
    final class Partition {
        var attempts: [Attempt] = []
        var recent: [EngineEvent] = []
        var seq: Int64 = 0
        /// Attempts starting at or before this are skipped (`after match skip`).
        var skipThrough: Int64 = 0
        /// With `interval`: completed attempts that cannot grow, waiting for their deadline.
        var waiting: [Attempt] = []
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
        let completed = self.advance(partition, with: event, now: runtime.now, statement: statement, runtime: runtime)
        self.emit(completed, statement: statement, runtime: runtime)
    }

    /// Rows of `matches` into the stream's windows.
    private func emit(_ matches: [Attempt], statement: Statement, runtime: Runtime) {
        self.matched.clear()
        for m in matches {
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
    private func advance(
        _ p: Partition,
        with event: EngineEvent,
        now: Int64,
        statement: Statement,
        runtime: Runtime
    ) -> [Attempt] {
        p.seq += 1
        let automaton = self.rules.automaton
        let interval = self.rules.interval
        var next: [Attempt] = []
        var done: [Attempt] = []
        let empty = [[EngineEvent]](repeating: [], count: self.rules.variables.count)
        var candidates = p.attempts
        let deadline = interval.map { now &+ $0 } ?? .max
        for s in automaton.closure(automaton.start) {
            if case .consume = automaton.states[s] {
                candidates.append(Attempt(state: s, start: p.seq, events: empty, deadline: deadline))
            }
        }
        var startedOne = false
        for a in candidates {
            guard case .consume(let v, let n) = automaton.states[a.state], self.rules.accepts(v, event, a, p.recent)
            else {
                // With `interval`, a path that completed before and cannot grow is reported at its deadline
                // (or now, `or terminated`).
                if interval != nil, let completed = a.completed { self.finish(a, completed, p, into: &done) }
                continue
            }
            var moved = a
            moved.events[v].append(event)
            if a.start == p.seq { startedOne = true }
            let closure = automaton.closure(n)
            let completes = closure.contains { if case .final = automaton.states[$0] { true } else { false } }
            if completes, interval == nil { done.append(moved) }
            if completes { moved.completed = moved.events }
            var grows = false
            for s in closure {
                if case .final = automaton.states[s] { continue }
                moved.state = s
                next.append(moved)
                grows = true
            }
            if completes, interval != nil, !grows { self.finish(moved, moved.events, p, into: &done) }
        }
        if startedOne, interval != nil {
            runtime.scheduler.schedule(at: deadline, statement, .matchInterval)
        }
        if next.count > self.rules.maxAttempts {
            self.droppedInstances += next.count - self.rules.maxAttempts
            next.removeFirst(next.count - self.rules.maxAttempts)
        }
        p.recent.append(event)
        if p.recent.count > self.rules.prevDepth { p.recent.removeFirst(p.recent.count - self.rules.prevDepth) }
        p.attempts = next
        return self.report(done, p)
    }

    /// An attempt that completed and cannot grow: reported now (`or terminated`), else at its deadline.
    private func finish(_ a: Attempt, _ events: [[EngineEvent]], _ p: Partition, into done: inout [Attempt]) {
        var finished = a
        finished.events = events
        if self.rules.orTerminated { return done.append(finished) }
        p.waiting.append(finished)
        if p.waiting.count > self.rules.maxAttempts {
            p.waiting.removeFirst()
            self.droppedInstances += 1
        }
    }

    /// The matches to report of `done` (in start order), after `after match skip` and one row per
    /// match; drops the attempts the skip passes over.
    private func report(_ done: [Attempt], _ p: Partition) -> [Attempt] {
        var report: [Attempt] = []
        var lastStart: Int64?
        // By start, keeping the order of preference among attempts of one start.
        let ordered = done.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
        for m in ordered.map(\.element) where m.start > p.skipThrough {
            if !self.rules.allMatches, m.start == lastStart { continue }
            report.append(m)
            lastStart = m.start
            // A match is a run of consecutive events of its partition: its last is at start + count - 1.
            let last = m.start + Int64(m.events.reduce(0) { $0 + $1.count }) - 1
            switch self.rules.skip {
            case .pastLastRow: p.skipThrough = max(p.skipThrough, last)
            case .toNextRow: p.skipThrough = max(p.skipThrough, m.start)
            case .toCurrentRow: p.skipThrough = max(p.skipThrough, last - 1)
            }
        }
        let through = p.skipThrough
        p.attempts.removeAll { $0.start <= through }
        p.waiting.removeAll { $0.start <= through }
        return report
    }

    /// `interval` ran out for some attempts: each that completed is reported with its events at its last
    /// completion; the others end.
    private func intervalPassed(_ p: Partition, now: Int64) -> [Attempt] {
        var done: [Attempt] = []
        var kept: [Attempt] = []
        for a in p.attempts {
            guard a.deadline <= now else {
                kept.append(a)
                continue
            }
            if let completed = a.completed {
                var m = a
                m.events = completed
                done.append(m)
            }
        }
        p.attempts = kept
        done += p.waiting.filter { $0.deadline <= now }
        p.waiting.removeAll { $0.deadline <= now }
        return self.report(done, p)
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {
        if case .matchInterval = kind {
            var due: [Attempt] = []
            for p in [self.single] + self.partitions.values { due += self.intervalPassed(p, now: at) }
            return self.emit(due, statement: statement, runtime: runtime)
        }
        self.stage.fire(kind, at: at, statement: statement, runtime: runtime) {
            statement.update(new: $0, old: $1, runtime: runtime)
        }
    }
}
