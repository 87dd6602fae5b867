/// `[min:max] a until b`: repetitions of `a` in sequence (each started when the previous one matched),
/// at most `max` of them, until `b` matches — true then with at least `min` repetitions, false with
/// fewer; without `b`, true at the `max`-th repetition. The tags of `a` collect every repetition's event
/// into arrays (bounded by the pattern instance limit; the oldest go first, counted).
final class RepeatUntilState: PatternState, PatternParent {
    let minimum: Int
    let maximum: Int?
    let child: PatternProgram
    let stop: PatternProgram?
    let arraySlots: [Int]
    @exclusivity(unchecked) private var current: PatternState?
    @exclusivity(unchecked) private var stopState: PatternState?
    @exclusivity(unchecked) private var count = 0
    /// Each array tag's events so far, by position in ``arraySlots``.
    @exclusivity(unchecked) private var collected: [[EngineEvent]] = []

    init(
        _ program: (min: Int, max: Int?, child: PatternProgram, stop: PatternProgram?, arraySlots: [Int]),
        engine: PatternEngine,
        parent: any PatternParent,
        begin: EngineEvent,
        siblings: SiblingBindings?
    ) {
        self.minimum = program.min
        self.maximum = program.max
        self.child = program.child
        self.stop = program.stop
        self.arraySlots = program.arraySlots
        super.init(engine: engine, parent: parent, begin: begin, siblings: siblings)
    }

    override func start() {
        self.collected = Array(repeating: [], count: self.arraySlots.count)
        if let stop {
            let s = self.engine.make(stop, begin: self.begin, parent: self, siblings: self.siblings)
            self.stopState = s
            s.start()
        }
        if self.active { self.spawn() }
    }

    private func spawn() {
        let c = self.engine.make(self.child, begin: self.begin, parent: self, siblings: self.siblings)
        self.current = c
        c.start()
    }

    func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool) {
        guard self.active else { return }
        if child === self.stopState {
            if quitted { self.stopState = nil }
            if self.count >= self.minimum { self.endTrue(self.result(match)) } else { self.endFalse(restartable: true) }
            return
        }
        if quitted, child === self.current { self.current = nil }
        self.count += 1
        for (k, slot) in self.arraySlots.enumerated() {
            guard let e = match.part(slot) else { continue }
            self.collected[k].append(e)
            if self.collected[k].count > self.engine.maxInstances {
                self.collected[k].removeFirst()
                self.engine.countDrop()
            }
        }
        if let maximum, self.count >= maximum {
            // Enough repetitions: no more are matched; without `until` the operator is done.
            let c = self.current
            self.current = nil
            c?.quit()
            if self.stop == nil { self.endTrue(self.result(self.begin)) }
            return
        }
        if self.current == nil { self.spawn() }
    }

    func childFalse(_ child: PatternState, restartable: Bool) {
        guard self.active else { return }
        if child === self.stopState {
            self.stopState = nil
        } else {
            self.current = nil
        }
        self.endFalse(restartable: restartable)
    }

    /// `match` (the start state and what `until` bound) with each array tag's events.
    private func result(_ match: EngineEvent) -> EngineEvent {
        var parts = PatternEngine.parts(of: match)
        PatternEngine.fill(&parts, from: PatternEngine.parts(of: self.begin))
        for (k, slot) in self.arraySlots.enumerated() where slot < parts.count {
            parts[slot] = EngineEvent(
                type: PatternEngine.tagArrayType,
                timestamp: match.timestamp,
                body: .tuple(self.collected[k])
            )
        }
        return EngineEvent(type: self.engine.tupleType, timestamp: match.timestamp, body: .tuple(parts))
    }

    override func quit() {
        let (c, s) = (self.current, self.stopState)
        self.current = nil
        self.stopState = nil
        super.quit()
        c?.quit()
        s?.quit()
    }
}

/// `every-distinct(keys [, expiry])`'s memory: a match is reported only when its key values were not
/// reported before — or, with an expiry, not within the expiry period. The keys remembered are bounded by
/// the pattern instance limit (expired ones go first, then all, counted). Fresh per `every-distinct` instance.
final class DistinctKeys {
    let keys: [CompiledExpr]
    let expiry: Int64?
    /// When each key was last reported.
    @exclusivity(unchecked) private var seen: [HashedValue: Int64] = [:]

    init(_ keys: [CompiledExpr], expiry: Int64?) {
        self.keys = keys
        self.expiry = expiry
    }

    /// Whether `match` is reported; remembers its key when it is.
    func admits(_ match: EngineEvent, engine: PatternEngine) -> Bool {
        let key = HashedValue(engine.evaluate({ Value.key(of: self.keys, in: $0) }, on: match))
        let now = engine.now
        if let at = self.seen[key], self.expiry.map({ now - at < $0 }) ?? true { return false }
        self.seen[key] = now
        if self.seen.count > engine.maxInstances {
            if let expiry { self.seen = self.seen.filter { now - $0.value < expiry } }
            if self.seen.count > engine.maxInstances {
                engine.countDrop()
                self.seen = [key: now]
            }
        }
        return true
    }
}
