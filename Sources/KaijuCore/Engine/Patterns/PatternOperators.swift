/// `tag=Type(filter)`: a registered wait for one event.
final class AtomState: PatternState {
    let atom: Int
    /// Registration order, which orders matches caused by one event.
    @exclusivity(unchecked) var seq: Int64 = 0
    /// The index key this wait is registered under, if indexed.
    @exclusivity(unchecked) var key: HashedValue?
    /// Whether the wait is in the engine's registry.
    @exclusivity(unchecked) var registered = false
    /// Neighbours among the registered waits with the same key (see ``AtomRegistry``).
    unowned var newer: AtomState?
    @exclusivity(unchecked) var older: AtomState?

    init(atom: Int, engine: PatternEngine, parent: any PatternParent, begin: EngineEvent, siblings: SiblingBindings?) {
        self.atom = atom
        super.init(engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() { self.engine.register(self) }

    override func quit() {
        if self.registered { self.engine.unregister(self) }
        super.quit()
    }
}

/// `a -> b`: each match of `a` starts a new `b`.
final class FollowedByState: PatternState, PatternParent {
    let left: PatternProgram
    let right: PatternProgram
    @exclusivity(unchecked) private var leftState: PatternState?
    /// The running right-hand instances; each knows its position (``PatternState/position``).
    @exclusivity(unchecked) private var rights: [PatternState] = []

    init(
        _ left: PatternProgram,
        _ right: PatternProgram,
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.left = left
        self.right = right
        super.init(engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() {
        let l = self.engine.make(self.left, begin: self.begin, parent: self, siblings: self.siblings)
        self.leftState = l
        l.start()
    }

    func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        guard self.active else { return }
        if child === self.leftState {
            if quitted { self.leftState = nil }
            if self.engine.admitInstance() {
                let r = self.engine.make(self.right, begin: match, parent: self, siblings: self.siblings)
                r.position = self.rights.count
                self.rights.append(r)
                r.start()
            }
            if self.active, self.leftState == nil, self.rights.isEmpty { self.endFalse(restartable: true) }
            return
        }
        if quitted { self.removeRight(child) }
        if self.leftState == nil && self.rights.isEmpty {
            self.endTrue(match)
        } else {
            self.parent?.childTrue(self, match, quitted: false)
        }
    }

    func childFalse(_ child: PatternState, restartable: Bool) {
        guard self.active else { return }
        if child === self.leftState { self.leftState = nil } else { self.removeRight(child) }
        if self.leftState == nil && self.rights.isEmpty { self.endFalse(restartable: restartable) }
    }

    /// Drops a right-hand instance by moving the last one into its place.
    private func removeRight(_ child: PatternState) {
        let i = child.position
        guard i < self.rights.count, self.rights[i] === child else { return }
        let last = self.rights.removeLast()
        if i < self.rights.count {
            self.rights[i] = last
            last.position = i
        }
    }

    override func quit() {
        let (l, rs) = (self.leftState, self.rights)
        self.leftState = nil
        self.rights = []
        super.quit()
        l?.quit()
        for r in rs { r.quit() }
    }
}

/// An operator over one sub-expression, running at most one instance of it at a time.
class SingleChildState: PatternState, PatternParent {
    let child: PatternProgram
    /// The running instance of ``child``, if any.
    @exclusivity(unchecked) var current: PatternState?

    init(
        _ child: PatternProgram,
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.child = child
        super.init(engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    /// Starts a new instance of the sub-expression from the operator's start state.
    func spawn() {
        let c = self.engine.make(self.child, begin: self.begin, parent: self, siblings: self.siblings)
        self.current = c
        c.start()
    }

    /// Subclasses say what their sub-expression's ending means.
    func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {}
    func childFalse(_ child: PatternState, restartable: Bool) {}

    override func quit() {
        let c = self.current
        self.current = nil
        super.quit()
        c?.quit()
    }
}

/// `every a`: restarts `a` whenever it ends, true or false (unless it can never succeed); with
/// ``distinct`` (`every-distinct`), reports only matches whose keys are new.
final class EveryState: SingleChildState {
    @exclusivity(unchecked) private var spawning = false
    /// `every-distinct`'s keys and what they have reported.
    let distinct: DistinctKeys?

    init(
        _ child: PatternProgram,
        distinct: DistinctKeys? = nil,
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.distinct = distinct
        super.init(child, engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() { self.spawn() }

    override func spawn() {
        self.spawning = true
        super.spawn()
        self.spawning = false
    }

    override func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        guard self.active else { return }
        if quitted && child === self.current {
            self.current = nil
            // A sub-expression that ends true while starting (`every timer:interval(0)`) would loop forever.
            if self.spawning { self.endFalse(restartable: false) } else { self.spawn() }
        }
        if let distinct, !distinct.admits(match, engine: self.engine) { return }
        self.parent?.childTrue(self, match, quitted: false)
    }

    override func childFalse(_ child: PatternState, restartable: Bool) {
        guard self.active, child === self.current else { return }
        self.current = nil
        if restartable && !self.spawning { self.spawn() } else { self.endFalse(restartable: false) }
    }

}

/// `a and b and ...`: true for each combination once every operand has matched.
final class AndState: PatternState, PatternParent {
    let children: [PatternProgram]
    @exclusivity(unchecked) private var states: [PatternState?] = []
    @exclusivity(unchecked) private var matches: [[EngineEvent]] = []
    @exclusivity(unchecked) private var shared: SiblingBindings

    init(
        _ children: [PatternProgram],
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.children = children
        self.shared = SiblingBindings(PatternEngine.parts(of: begin))
        super.init(engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() {
        self.matches = Array(repeating: [], count: self.children.count)
        self.states = self.children.map { self.engine.make($0, begin: self.begin, parent: self, siblings: self.shared) }
        for s in self.states where self.active { s?.start() }
    }

    func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        guard self.active, let i = self.states.firstIndex(where: { $0 === child }) else { return }
        if quitted { self.states[i] = nil }
        self.matches[i].append(match)
        if self.matches[i].count > self.engine.maxInstances {
            self.matches[i].removeFirst()
            self.engine.countDrop()
        }
        PatternEngine.fill(&self.shared.parts, from: PatternEngine.parts(of: match))
        guard self.matches.indices.allSatisfy({ $0 == i || !self.matches[$0].isEmpty }) else { return }
        var combos = [match]
        for j in self.matches.indices where j != i {
            combos = combos.flatMap { c in self.matches[j].map { PatternEngine.merge(c, $0, engine: self.engine) } }
        }
        let done = self.states.allSatisfy { $0 == nil || $0 is NotState }
        let p = self.parent
        if done { self.quit() }
        for c in combos { p?.childTrue(self, c, quitted: done) }
    }

    func childFalse(_ child: PatternState, restartable: Bool) {
        guard self.active else { return }
        self.endFalse(restartable: restartable)
    }

    override func quit() {
        let live = self.states
        self.states = []
        self.matches = []
        super.quit()
        for s in live { s?.quit() }
    }
}

/// `a or b or ...`: true when any operand matches.
final class OrState: PatternState, PatternParent {
    let children: [PatternProgram]
    @exclusivity(unchecked) private var states: [PatternState?] = []

    init(
        _ children: [PatternProgram],
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.children = children
        super.init(engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() {
        self.states = self.children.map {
            self.engine.make($0, begin: self.begin, parent: self, siblings: self.siblings)
        }
        for s in self.states where self.active { s?.start() }
    }

    func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        guard self.active else { return }
        if quitted { self.endTrue(match) } else { self.parent?.childTrue(self, match, quitted: false) }
    }

    func childFalse(_ child: PatternState, restartable: Bool) {
        guard self.active, let i = self.states.firstIndex(where: { $0 === child }) else { return }
        self.states[i] = nil
        if self.states.allSatisfy({ $0 == nil }) { self.endFalse(restartable: restartable) }
    }

    override func quit() {
        let live = self.states
        self.states = []
        super.quit()
        for s in live { s?.quit() }
    }
}

/// `not a`: true from its start until `a` matches, then false.
final class NotState: SingleChildState {
    override func start() {
        self.spawn()
        if self.active { self.parent?.childTrue(self, self.begin, quitted: false) }
    }

    override func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        guard self.active, quitted else { return }
        self.current = nil
        self.endFalse(restartable: true)
    }

    override func childFalse(_ child: PatternState, restartable: Bool) {
        self.current = nil  // `a` can no longer happen: the not stays true
    }

}

/// `[n] a`: `a` n times in a row, each repetition started when the previous one matched.
final class RepeatState: SingleChildState {
    let count: Int
    @exclusivity(unchecked) private var matched = 0

    init(
        _ count: Int,
        _ child: PatternProgram,
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.count = count
        super.init(child, engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() { self.spawn() }

    override func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        guard self.active else { return }
        self.matched += 1
        if quitted { self.current = nil }
        if self.matched >= self.count {
            self.endTrue(self.begin)
        } else if self.current == nil {
            self.spawn()
        }
    }

    override func childFalse(_ child: PatternState, restartable: Bool) {
        guard self.active else { return }
        self.current = nil
        self.endFalse(restartable: restartable)
    }

}

/// A guard: `a where timer:within(d)` (`a` must match within `d` of the guard's start, else the guard
/// ends false) or `a while (condition)` (passes `a`'s matches on while the condition holds for them; the
/// first match for which it does not ends `a`, false).
final class GuardState: SingleChildState {
    /// `timer:within`'s period.
    let period: Int64?
    /// `while`'s condition, over the match.
    let condition: CompiledExpr?

    init(
        within period: Int64? = nil,
        while condition: CompiledExpr? = nil,
        _ child: PatternProgram,
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.period = period
        self.condition = condition
        super.init(child, engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() {
        if let period { self.engine.schedule(self, after: period) }
        self.spawn()
    }

    override func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        guard self.active else { return }
        if let condition, !self.engine.evaluate(condition, on: match).isTrue {
            self.endFalse(restartable: true)
            return
        }
        if quitted {
            self.current = nil
            self.endTrue(match)
        } else {
            self.parent?.childTrue(self, match, quitted: false)
        }
    }

    override func childFalse(_ child: PatternState, restartable: Bool) {
        guard self.active else { return }
        self.current = nil
        self.endFalse(restartable: restartable)
    }

    override func timerFired() {
        guard self.active else { return }
        self.endFalse(restartable: true)
    }
}

/// `timer:interval(d)`: true once `d` has passed.
final class IntervalState: PatternState {
    let period: Int64

    init(
        _ period: Int64,
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.period = period
        super.init(engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() { self.engine.schedule(self, after: self.period) }

    override func timerFired() {
        guard self.active else { return }
        self.endTrue(self.begin)
    }
}
