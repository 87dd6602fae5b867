/// A join of two or more streams through their windows: an event arriving on one stream enters its
/// window and joins the other windows' current contents (Esper's default); events leaving a window
/// join as old rows. Equality correlations in `where` become hash lookups into the other windows.
final class JoinFront: StatementFront {
    /// One joined stream.
    struct Stream {
        let type: EventType
        let filter: CompiledExpr?
        let stage: WindowStage
        /// Hash indexes over the stream's window, by key expressions read from its events.
        let indexes: [JoinIndex]
    }

    /// One step of joining from an arriving stream: visit `stream`, through an index when `index` is set,
    /// probing it with `probe` evaluated on the tuple built so far.
    struct Step {
        let stream: Int
        let index: Int?
        let probe: [CompiledExpr]
    }

    let streams: [Stream]
    /// For each arriving stream, the order and lookups of the others.
    let plans: [[Step]]
    let tupleType: EventType
    let context: EvalContext
    @exclusivity(unchecked) private var seq: Int64 = 0
    /// Which streams' events join with nulls when nothing matches (outer joins; two streams).
    @exclusivity(unchecked) var preserved: [Bool] = []
    /// An outer join's `on` condition, which a pair must meet to match.
    @exclusivity(unchecked) var onFilter: CompiledExpr?
    /// Streams whose windows belong to a named window: read, never filled by the join.
    @exclusivity(unchecked) var borrowed: Set<Int> = [] {
        didSet { self.borrowedStreams = self.streams.indices.map { self.borrowed.contains($0) } }
    }
    /// ``borrowed`` by stream (empty when none is), for the per-event checks.
    @exclusivity(unchecked) private var borrowedStreams: [Bool] = []
    /// Whether a trigger that joins nothing still makes an (empty) update: an on-select, whose
    /// ungrouped aggregates report for every triggering event.
    @exclusivity(unchecked) var reportsEveryTrigger = false
    /// `on ... select and delete` over a named window: the window's events a trigger joined are then
    /// deleted from it (stream `stream` of the join, held by `holder`).
    @exclusivity(unchecked) var deletesJoined: (holder: Statement, chain: WindowChain, stream: Int)?
    /// Which streams' events trigger joining (`unidirectional`: one); the others only fill their windows.
    @exclusivity(unchecked) var triggers: [Bool] = []
    /// The stream fed by a pattern's matches, and its matcher.
    @exclusivity(unchecked) private var pattern: (stream: Int, matcher: any PatternMatcher)?
    /// The types the front reads: each typed stream's, then the pattern's inputs.
    @exclusivity(unchecked) private(set) var inputs: [EventType] = []
    /// For each input, the stream it feeds and whether it is the pattern's.
    @exclusivity(unchecked) private var inputStreams: [(stream: Int, pattern: Bool)] = []
    @exclusivity(unchecked) private var matches: [EngineEvent] = []
    @exclusivity(unchecked) private var warnedDrops = 0

    init(streams: [Stream], plans: [[Step]], tupleType: EventType, context: EvalContext) {
        self.streams = streams
        self.plans = plans
        self.tupleType = tupleType
        self.context = context
        self.inputs = streams.map(\.type)
        self.inputStreams = streams.indices.map { ($0, false) }
    }

    /// Makes stream `i` the matches of `matcher` (a pattern stream) instead of events of its type.
    func feed(stream i: Int, from matcher: any PatternMatcher) {
        self.pattern = (i, matcher)
        var inputs: [EventType] = []
        var owners: [(stream: Int, pattern: Bool)] = []
        for (j, s) in self.streams.enumerated() where j != i {
            inputs.append(s.type)
            owners.append((j, false))
        }
        for t in matcher.inputTypes {
            inputs.append(t)
            owners.append((i, true))
        }
        self.inputs = inputs
        self.inputStreams = owners
    }

    func start(_ statement: Statement, runtime: Runtime) {
        guard let (i, matcher) = self.pattern else { return }
        self.matches.clear()
        matcher.start(now: runtime.now, into: &self.matches)
        self.matched(i, matcher, statement: statement, runtime: runtime)
    }

    func stop() { self.pattern?.matcher.stop() }

    var patternMatcher: (any PatternMatcher)? { self.pattern?.matcher }
    var liveInstances: Int { self.pattern?.matcher.liveInstances ?? 0 }
    var droppedInstances: Int { self.pattern?.matcher.droppedInstances ?? 0 }

    /// Schedules the pattern's timers and puts its new matches into stream `i`'s windows.
    private func matched(_ i: Int, _ matcher: any PatternMatcher, statement: Statement, runtime: Runtime) {
        matcher.settle(statement: statement, runtime: runtime, warned: &self.warnedDrops)
        guard !self.matches.isEmpty else { return }
        statement.eventsIn += self.matches.count
        var entries: [WindowEntry] = []
        for m in self.matches {
            self.seq += 1
            entries.append(WindowEntry(event: m, seq: self.seq, enteredAt: runtime.now))
        }
        self.matches.clear()
        self.streams[i].stage.insert(entries, statement: statement, runtime: runtime) { new, old in
            self.changed(i, new: new, old: old, statement: statement, runtime: runtime)
        }
    }
    var deliversOncePerEvent: Bool { false }

    func receive(_ event: EngineEvent, input k: Int, statement: Statement, runtime: Runtime) {
        var input = k
        if let (_, matcher) = self.pattern {
            let owner = self.inputStreams[k]
            input = owner.stream
            if owner.pattern {
                self.matches.clear()
                matcher.receive(event, now: runtime.now, into: &self.matches)
                self.matched(input, matcher, statement: statement, runtime: runtime)
                return
            }
        }
        if !self.borrowedStreams.isEmpty, self.borrowedStreams[input] { return }  // the window's holder keeps them
        let stream = self.streams[input]
        if let f = stream.filter {
            self.context.event = event
            guard f(self.context).isTrue else { return }
        }
        statement.eventsIn += 1
        self.seq += 1
        let entry = WindowEntry(event: event, seq: self.seq, enteredAt: runtime.now)
        stream.stage.insert(entry, statement: statement, runtime: runtime) { new, old in
            self.changed(input, new: new, old: old, statement: statement, runtime: runtime)
        }
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {
        let i: Int
        switch kind {
        case .window(let n), .batch(let n): i = n
        case .pattern(let timer):
            guard let (p, matcher) = self.pattern else { return }
            self.matches.clear()
            matcher.fire(timer, now: runtime.now, into: &self.matches)
            self.matched(p, matcher, statement: statement, runtime: runtime)
            return
        case .output, .context, .matchInterval: return
        }
        self.streams[i].stage.fire(kind, at: at, statement: statement, runtime: runtime) { new, old in
            self.changed(i, new: new, old: old, statement: statement, runtime: runtime)
        }
    }

    private func changed(_ i: Int, new: [WindowEntry], old: [WindowEntry], statement: Statement, runtime: Runtime) {
        if self.streams[i].stage.retains {  // a stream that keeps nothing (unidirectional) has nothing to look up
            for index in self.streams[i].indexes {
                for e in old { index.remove(e, context: self.context) }
                for e in new { index.add(e, context: self.context) }
            }
        }
        if !self.triggers.isEmpty && !self.triggers[i] { return }
        var newRows: [WindowEntry] = []
        var oldRows: [WindowEntry] = []
        for e in new { self.join(e.event, from: i, now: runtime.now, into: &newRows) }
        for e in old { self.join(e.event, from: i, now: runtime.now, into: &oldRows) }
        for e in oldRows { e.findsGroupOnLeave = true }
        if !newRows.isEmpty || !oldRows.isEmpty {
            statement.update(new: newRows, old: oldRows, runtime: runtime)
            if let deletion = self.deletesJoined { self.delete(newRows, deletion, runtime: runtime) }
        } else if self.reportsEveryTrigger, let trigger = new.first {
            // An on-select whose trigger matched nothing: its aggregates still report (empty).
            var parts = [EngineEvent?](repeating: nil, count: self.streams.count)
            parts[i] = trigger.event
            statement.context.event = EngineEvent(type: self.tupleType, timestamp: runtime.now, body: .tuple(parts))
            statement.update(new: [], old: [], runtime: runtime)
        }
    }

    /// Whether `event` passes stream `i`'s filter.
    func passesFilter(of i: Int, _ event: EngineEvent) -> Bool {
        guard let f = self.streams[i].filter else { return true }
        self.context.event = event
        return f(self.context).isTrue
    }

    /// Deletes the window events `rows` joined from the named window, telling the window's readers.
    private func delete(
        _ rows: [WindowEntry],
        _ deletion: (holder: Statement, chain: WindowChain, stream: Int),
        runtime: Runtime
    ) {
        let joined = Set(rows.compactMap { $0.event.part(deletion.stream).map(ObjectIdentifier.init) })
        var removed: [WindowEntry] = []
        for e in deletion.chain.contents where joined.contains(ObjectIdentifier(e.event)) {
            deletion.chain.remove(e)
            removed.append(e)
        }
        if !removed.isEmpty { deletion.holder.update(new: [], old: removed, runtime: runtime) }
    }

    private func join(_ event: EngineEvent, from i: Int, now: Int64, into out: inout [WindowEntry]) {
        var parts = [EngineEvent?](repeating: nil, count: self.streams.count)
        parts[i] = event
        let before = out.count
        self.extend(&parts, steps: self.plans[i][...], now: now, into: &out)
        if out.count == before, i < self.preserved.count, self.preserved[i] {
            // An outer join's unmatched event: joined with nulls.
            self.seq += 1
            out.append(
                WindowEntry(
                    event: EngineEvent(type: self.tupleType, timestamp: now, body: .tuple(parts)),
                    seq: self.seq,
                    enteredAt: now
                )
            )
        }
    }

    private func extend(
        _ parts: inout [EngineEvent?],
        steps: ArraySlice<Step>,
        now: Int64,
        into out: inout [WindowEntry]
    ) {
        guard let step = steps.first else {
            let tuple = EngineEvent(type: self.tupleType, timestamp: now, body: .tuple(parts))
            if let on = self.onFilter {
                self.context.event = tuple
                guard on(self.context).isTrue else { return }
            }
            self.seq += 1
            out.append(WindowEntry(event: tuple, seq: self.seq, enteredAt: now))
            return
        }
        let candidates: [WindowEntry]
        if let ix = step.index {
            self.context.event = EngineEvent(type: self.tupleType, timestamp: now, body: .tuple(parts))
            let key = Value.key(of: step.probe, in: self.context)
            candidates = key.containsNull ? [] : self.streams[step.stream].indexes[ix].entries(key)
        } else {
            candidates = self.streams[step.stream].stage.contents
        }
        let filter =
            !self.borrowedStreams.isEmpty && self.borrowedStreams[step.stream] ? self.streams[step.stream].filter : nil
        for c in candidates {
            if let filter {
                self.context.event = c.event  // a named window's events were not filtered on the way in
                guard filter(self.context).isTrue else { continue }
            }
            parts[step.stream] = c.event
            self.extend(&parts, steps: steps.dropFirst(), now: now, into: &out)
        }
        parts[step.stream] = nil
    }

    var contents: [EngineEvent] { self.streams.flatMap { $0.stage.contents.map(\.event) } }
    var evictions: Int { self.streams.reduce(0) { $0 + $1.stage.evictions } }
}

/// A hash index over one join stream's window.
final class JoinIndex {
    let keys: [CompiledExpr]
    /// Identifies the key expressions, so two lookups on the same keys share one index.
    let signature: String
    @exclusivity(unchecked) private var map: [Value: [WindowEntry]] = [:]

    init(keys: [CompiledExpr], signature: String) {
        self.keys = keys
        self.signature = signature
    }

    private func key(_ e: WindowEntry, _ ctx: EvalContext) -> Value {
        ctx.event = e.event
        return Value.key(of: self.keys, in: ctx)
    }

    func add(_ e: WindowEntry, context: EvalContext) {
        let k = self.key(e, context)
        if !k.containsNull { self.map[k, default: []].append(e) }
    }

    func remove(_ e: WindowEntry, context: EvalContext) {
        let k = self.key(e, context)
        guard var bucket = self.map[k] else { return }
        bucket.removeAll { $0 === e }
        self.map[k] = bucket.isEmpty ? nil : bucket
    }

    func entries(_ key: Value) -> [WindowEntry] { self.map[key] ?? [] }
}
