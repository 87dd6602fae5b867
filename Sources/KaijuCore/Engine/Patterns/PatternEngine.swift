/// Runs one statement's pattern: keeps the live state tree, matches arriving events against the waiting
/// atoms (through a hash index where the filter correlates by equality), fires guard and interval
/// timers, and hands each complete match, a tuple of the tagged events, to the statement.
///
/// Matching follows Esper: an event is tested against the waits that existed when it arrived (a wait
/// started because of the event does not see it), in the order the waits started.
final class PatternEngine: PatternParent, PatternMatcher {
    let program: PatternProgram
    let atoms: [PatternAtom]
    let tupleType: EventType
    let slotCount: Int
    let context: EvalContext
    /// Most live waits; beyond it a followed-by drops new instances (counted).
    let maxInstances: Int

    /// Engine time of the call being served (``start(now:into:)``, ``receive(_:now:into:)``, ``fire(_:now:into:)``).
    private(set) var now: Int64 = 0
    /// Timers asked for during the call being served; the caller schedules them.
    private var timers: [(at: Int64, timer: PatternTimer)] = []

    @exclusivity(unchecked) private var registries: [AtomRegistry]
    @exclusivity(unchecked) private var seq: Int64 = 0
    @exclusivity(unchecked) private var root: PatternState?
    @exclusivity(unchecked) private var matches: [EngineEvent] = []
    /// Scratch list of the waits an event may match, kept for its capacity.
    @exclusivity(unchecked) private var candidates: [AtomState] = []
    /// Waits currently registered.
    @exclusivity(unchecked) private(set) var liveInstances = 0
    /// Instances refused by ``maxInstances``.
    @exclusivity(unchecked) private(set) var droppedInstances = 0

    init(
        program: PatternProgram,
        atoms: [PatternAtom],
        tupleType: EventType,
        slotCount: Int,
        context: EvalContext,
        maxInstances: Int
    ) {
        self.program = program
        self.atoms = atoms
        self.tupleType = tupleType
        self.slotCount = slotCount
        self.context = context
        self.maxInstances = maxInstances
        self.registries = atoms.map { AtomRegistry(indexed: !$0.ownKey.isEmpty) }
        self.consumes = atoms.contains { $0.consumeLevel > 0 }
    }

    /// Whether an atom has `@consume`.
    let consumes: Bool

    var inputTypes: [EventType] { self.atoms.distinctTypes }

    // MARK: - Life cycle

    /// Starts the pattern (at statement creation); appends matches produced right away to `out`.
    func start(now: Int64, into out: inout [EngineEvent]) {
        self.now = now
        let empty = EngineEvent(
            type: self.tupleType,
            timestamp: now,
            body: .tuple(Array(repeating: nil, count: self.slotCount))
        )
        let r = self.make(self.program, begin: empty, parent: self, siblings: nil)
        self.root = r
        self.collectingMatches(into: &out) { r.start() }
    }

    /// Ends every instance (statement removed).
    func stop() {
        self.root?.quit()
        self.root = nil
    }

    func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        self.matches.append(match)
        if quitted { self.root = nil }
    }

    func childFalse(_ child: PatternState, restartable: Bool) {
        self.root = nil
    }

    /// Runs `body` with matches appended to `out` (the caller's buffer, so no array per event).
    private func collectingMatches(into out: inout [EngineEvent], _ body: () -> Void) {
        swap(&self.matches, &out)
        body()
        swap(&self.matches, &out)
    }

    func make(
        _ p: PatternProgram,
        begin: EngineEvent,
        parent: any PatternParent,
        siblings: SiblingBindings?
    ) -> PatternState {
        switch p {
        case .atom(let i): return AtomState(atom: i, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .followedBy(let a, let b):
            return FollowedByState(a, b, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .and(let xs): return AndState(xs, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .or(let xs): return OrState(xs, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .not(let x): return NotState(x, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .every(let x): return EveryState(x, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .repeatCount(let n, let x):
            return RepeatState(n, x, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .within(let d, let x):
            return GuardState(within: d, x, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .interval(let d): return IntervalState(d, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .at(let schedule):
            // The wait until the schedule's next time after now (never, as the longest wait, when there is none).
            let wait = schedule.next(after: self.now).map { $0 - self.now } ?? Int64(1) << 53
            return IntervalState(wait, engine: self, parent: parent, begin: begin, siblings: siblings)
        case .repeatUntil(let lo, let hi, let x, let until, let slots):
            return RepeatUntilState(
                (lo, hi, x, until, slots),
                engine: self,
                parent: parent,
                begin: begin,
                siblings: siblings
            )
        case .everyDistinct(let keys, let expiry, let x):
            return EveryState(
                x,
                distinct: DistinctKeys(keys, expiry: expiry),
                engine: self,
                parent: parent,
                begin: begin,
                siblings: siblings
            )
        case .whileGuard(let c, let x):
            return GuardState(while: c, x, engine: self, parent: parent, begin: begin, siblings: siblings)
        }
    }

    /// `f` evaluated on a match (a tuple of tags), leaving the engine's context as it was.
    func evaluate<T>(_ f: (EvalContext) -> T, on match: EngineEvent) -> T {
        let saved = self.context.event
        self.context.event = match
        defer { self.context.event = saved }
        return f(self.context)
    }

    /// The type of a tag array's event: a tuple of the repetitions' events.
    static let tagArrayType = EventType.tuple("tag array", aliases: [])

    // MARK: - Bounds

    /// Whether one more instance may start; counts the refusal when not.
    func admitInstance() -> Bool {
        guard self.liveInstances >= self.maxInstances else { return true }
        self.countDrop()
        return false
    }

    func countDrop() {
        self.droppedInstances += 1
    }

    // MARK: - Waits

    /// The slots a wait's filter sees: its start state plus what `and` siblings bound since.
    private func scopeParts(of s: AtomState) -> [EngineEvent?] {
        var parts = Self.parts(of: s.begin)
        if let siblings = s.siblings { Self.fill(&parts, from: siblings.parts) }
        return parts
    }

    func register(_ s: AtomState) {
        let atom = self.atoms[s.atom]
        self.seq += 1
        s.seq = self.seq
        var key: HashedValue?
        if !atom.boundKey.isEmpty {
            self.context.event = s.begin
            let k = Value.key(of: atom.boundKey, in: self.context)
            if !k.containsNull { key = HashedValue(k) }
        }
        s.key = key
        s.registered = true
        self.liveInstances += 1
        self.registries[s.atom].add(s)
    }

    func unregister(_ s: AtomState) {
        s.registered = false
        self.liveInstances -= 1
        self.registries[s.atom].remove(s)
    }

    /// Tests an arriving event against every wait; appends the matches it completed to `out`.
    func receive(_ event: EngineEvent, now: Int64, into out: inout [EngineEvent]) {
        self.now = now
        self.collectingMatches(into: &out) { self.match(event) }
    }

    private func match(_ event: EngineEvent) {
        var candidates = self.candidates
        self.candidates = []
        defer {
            candidates.clear()
            self.candidates = candidates
        }
        for i in self.atoms.indices where self.registries[i].count > 0 && event.type.isSubtype(of: self.atoms[i].type) {
            let atom = self.atoms[i]
            self.context.event = event
            if let f = atom.ownFilter, !f(self.context).isTrue { continue }
            if atom.ownKey.isEmpty {
                self.registries[i].collectAll(into: &candidates)
            } else {
                let key = Value.key(of: atom.ownKey, in: self.context)
                self.registries[i].collect(key: key.containsNull ? nil : HashedValue(key), into: &candidates)
            }
        }
        if candidates.isEmpty { return }
        if candidates.count > 1 { candidates.sort { $0.seq < $1.seq } }
        if self.consumes { return self.matchConsuming(event, candidates) }
        for s in candidates where s.active {
            if let result = self.test(s, event) { s.endTrue(result) }
        }
    }

    /// The match `event` completes for wait `s`, or `nil` when its filter does not hold.
    @inline(__always) private func test(_ s: AtomState, _ event: EngineEvent) -> EngineEvent? {
        let atom = self.atoms[s.atom]
        var parts = self.scopeParts(of: s)
        parts[atom.slot] = event
        let tuple = EngineEvent(type: self.tupleType, timestamp: event.timestamp, body: .tuple(parts))
        let check = s.key == nil ? atom.tupleFilter : atom.residual
        if let check {
            self.context.event = tuple
            guard check(self.context).isTrue else { return nil }
        }
        if s.siblings == nil { return tuple }
        var own = Self.parts(of: s.begin)
        own[atom.slot] = event
        return EngineEvent(type: self.tupleType, timestamp: event.timestamp, body: .tuple(own))
    }

    /// With `@consume`: of the waits `event` matches, only those of the highest consume level take it.
    private func matchConsuming(_ event: EngineEvent, _ candidates: [AtomState]) {
        var passed: [(state: AtomState, match: EngineEvent)] = []
        for s in candidates where s.active {
            if let result = self.test(s, event) { passed.append((s, result)) }
        }
        let top = passed.map { self.atoms[$0.state.atom].consumeLevel }.max() ?? 0
        for (s, match) in passed where s.active && self.atoms[s.atom].consumeLevel == top { s.endTrue(match) }
    }

    // MARK: - Timers

    func schedule(_ s: PatternState, after period: Int64) {
        self.timers.append((self.now + period, PatternTimer(s)))
    }

    func takeTimers() -> [(at: Int64, timer: PatternTimer)] {
        guard !self.timers.isEmpty else { return [] }
        defer { self.timers.removeAll(keepingCapacity: true) }
        return self.timers
    }

    /// A guard or interval timer fired; appends the matches that caused to `out`.
    func fire(_ timer: PatternTimer, now: Int64, into out: inout [EngineEvent]) {
        self.now = now
        self.collectingMatches(into: &out) { timer.state?.timerFired() }
    }

    // MARK: - Tuples

    static func parts(of tuple: EngineEvent) -> [EngineEvent?] {
        if case .tuple(let parts) = tuple.body { return parts }
        return []
    }

    /// Fills the slots of `parts` that are empty and bound in `other`.
    static func fill(_ parts: inout [EngineEvent?], from other: [EngineEvent?]) {
        for (k, p) in other.enumerated() where p != nil && parts[k] == nil { parts[k] = p }
    }

    /// `a` with the slots `b` has and `a` lacks filled in.
    static func merge(_ a: EngineEvent, _ b: EngineEvent, engine: PatternEngine) -> EngineEvent {
        var parts = self.parts(of: a)
        self.fill(&parts, from: self.parts(of: b))
        return EngineEvent(type: engine.tupleType, timestamp: max(a.timestamp, b.timestamp), body: .tuple(parts))
    }
}
