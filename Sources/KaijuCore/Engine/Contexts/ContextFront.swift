/// A statement declared in a context: routes each event to the context partitions it belongs to, each
/// running its own copy of the statement (compiled when the partition starts, with `context.*` — `name`,
/// `id`, `key1...`, `label`, the starting event's alias — as constants), and starts and ends partitions
/// as the context's conditions say. The copies' rows are the statement's rows.
final class ContextFront: StatementFront {
    /// One live partition.
    final class Partition {
        let id: Int
        let statement: Statement
        /// The event that started it (temporal contexts).
        let start: EngineEvent?
        /// Its key (keyed contexts).
        let key: HashedValue?
        /// The matcher of its end pattern, if it ends by a pattern.
        var endMatcher: PatternEngine?

        init(id: Int, statement: Statement, start: EngineEvent?, key: HashedValue?) {
            self.id = id
            self.statement = statement
            self.start = start
            self.key = key
        }
    }

    /// The timer id of a scheduled start (`start after d`, a crontab start).
    static let startTimer = -1

    let rules: ContextRules
    let inputs: [EventType]
    /// The statement copies' inputs, and whether an event of several of them arrives once.
    let innerInputs: [EventType]
    let innerOnce: Bool
    /// Compiles a copy of the statement for a partition whose `context` properties are the given object.
    let make: (Runtime, Value) throws(PlanError) -> Statement
    /// Most partitions live at once; starts beyond it are refused (counted).
    let maxPartitions: Int
    @exclusivity(unchecked) private(set) var partitions: [Partition] = []
    @exclusivity(unchecked) private var byKey: [HashedValue: Partition] = [:]
    @exclusivity(unchecked) private var nextID = 0
    /// The matcher of a start pattern while it is watched.
    @exclusivity(unchecked) private var startMatcher: PatternEngine?
    @exclusivity(unchecked) private var matches: [EngineEvent] = []
    @exclusivity(unchecked) private var warnedDrops = 0
    /// Partitions not started because of ``maxPartitions``, or whose copy failed to compile.
    @exclusivity(unchecked) private(set) var refused = 0

    init(
        rules: ContextRules,
        prototype: Statement,
        maxPartitions: Int,
        make: @escaping (Runtime, Value) throws(PlanError) -> Statement
    ) {
        self.rules = rules
        self.innerInputs = prototype.inputs
        self.innerOnce = prototype.front.deliversOncePerEvent
        var inputs: [EventType] = []
        for t in prototype.inputs + rules.types where !inputs.contains(where: { $0 === t }) { inputs.append(t) }
        self.inputs = inputs
        self.maxPartitions = maxPartitions
        self.make = make
    }

    /// What ended partitions counted (evictions, dropped pattern instances, refused groups).
    @exclusivity(unchecked) private var ended = (evictions: 0, dropped: 0, groupOverflows: 0)

    var contents: [EngineEvent] { self.partitions.flatMap(\.statement.front.contents) }
    var evictions: Int { self.partitions.reduce(self.ended.evictions) { $0 + $1.statement.front.evictions } }
    var droppedInstances: Int {
        self.partitions.reduce(self.ended.dropped) { $0 + $1.statement.front.droppedInstances }
    }
    /// Groups refused by the group limit, in every partition so far.
    var groupOverflows: Int {
        self.partitions.reduce(self.ended.groupOverflows) { $0 + ($1.statement.processor?.groupOverflows ?? 0) }
    }
    var liveInstances: Int { self.partitions.reduce(0) { $0 + $1.statement.front.liveInstances } }

    func start(_ statement: Statement, runtime: Runtime) {
        switch self.rules.kind {
        case .category(_, _, _, let labels):
            for label in labels {
                self.open(statement, runtime, key: nil, start: nil, extra: [("label", .string(label))])
            }
        case .temporal(let start, _, _):
            self.arm(start, statement, runtime)
        case .keyed:
            break
        }
    }

    func stop() {
        for p in self.partitions {
            p.statement.stop()
            p.endMatcher?.stop()
        }
        self.startMatcher?.stop()
        self.startMatcher = nil
        self.partitions = []
        self.byKey = [:]
    }

    /// Starts a partition at once (`@now`) or schedules its start.
    private func arm(_ start: ContextRules.Condition, _ statement: Statement, _ runtime: Runtime) {
        switch start {
        case .now: self.open(statement, runtime, key: nil, start: nil, extra: [])
        case .after(let d): runtime.scheduler.schedule(at: runtime.now + d, statement, .context(Self.startTimer))
        case .crontab(let c):
            if let t = c.next(after: runtime.now) {
                runtime.scheduler.schedule(at: t, statement, .context(Self.startTimer))
            }
        case .pattern(let make, _, let tags):
            let matcher = make()
            self.startMatcher = matcher
            self.matches.clear()
            matcher.start(now: runtime.now, into: &self.matches)
            self.started(matcher, tags: tags, statement, runtime)
        case .filter: break
        }
    }

    /// Starts a partition per match of the start pattern (one, and stops watching, for start/end).
    private func started(
        _ matcher: PatternEngine,
        tags: [(name: String, slot: Int)],
        _ statement: Statement,
        _ runtime: Runtime
    ) {
        matcher.settle(statement: statement, runtime: runtime, warned: &self.warnedDrops)
        let found = self.matches
        self.matches.clear()
        guard case .temporal(_, _, let overlapping) = self.rules.kind else { return }
        for m in found {
            guard overlapping || self.partitions.isEmpty else { break }
            self.open(statement, runtime, key: nil, start: nil, extra: ContextRules.properties(of: m, tags: tags))
            if !overlapping {
                matcher.stop()
                self.startMatcher = nil
            }
        }
    }

    /// Feeds `event` to the end patterns of the live partitions; ends those that matched.
    private func endPatterns(_ event: EngineEvent, _ statement: Statement, _ runtime: Runtime) -> Bool {
        var ended = false
        for p in self.partitions {
            guard let m = p.endMatcher else { continue }
            self.matches.clear()
            m.receive(event, now: runtime.now, into: &self.matches)
            m.settle(statement: statement, runtime: runtime, warned: &self.warnedDrops)
            if !self.matches.isEmpty {
                self.close(p, statement, runtime)
                ended = true
            }
        }
        self.matches.clear()
        return ended
    }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        switch self.rules.kind {
        case .keyed(let streams, let terminator):
            if let terminator, self.rules.meets(terminator.condition, event, start: nil) {
                if terminator.keys.isEmpty {
                    // A terminating type that is not partitioned ends every partition.
                    for p in self.partitions { self.close(p, statement, runtime) }
                } else if let p = self.byKey[HashedValue(Value.key(self.rules.values(terminator.keys, of: event)))] {
                    self.close(p, statement, runtime)
                }
                return
            }
            for s in streams where event.type.isSubtype(of: s.type) && self.rules.passes(s.filter, event) {
                let values = self.rules.values(s.keys, of: event)
                let key = HashedValue(Value.key(values))
                let extra = values.enumerated().map { ("key\($0.offset + 1)", $0.element) }
                guard let p = self.byKey[key] ?? self.open(statement, runtime, key: key, start: nil, extra: extra)
                else { return }
                self.deliver(event, to: p, statement, runtime)
                return
            }
        case .category(let type, let filter, let conditions, _):
            guard event.type.isSubtype(of: type), self.rules.passes(filter, event) else { return }
            for (i, c) in conditions.enumerated() where i < self.partitions.count {
                self.rules.context.event = event
                if c(self.rules.context).isTrue { self.deliver(event, to: self.partitions[i], statement, runtime) }
            }
        case .temporal(let start, let end, let overlapping):
            var ended = self.endPatterns(event, statement, runtime)
            for p in self.partitions where self.rules.meets(end, event, start: p.start) {
                self.close(p, statement, runtime)
                ended = true
            }
            // As Esper does, an event that ended a partition reaches the other live ones twice.
            for p in self.partitions {
                self.deliver(event, to: p, statement, runtime)
                if ended { self.deliver(event, to: p, statement, runtime) }
            }
            if case .pattern(_, _, let tags) = start, let matcher = self.startMatcher {
                self.matches.clear()
                matcher.receive(event, now: runtime.now, into: &self.matches)
                self.started(matcher, tags: tags, statement, runtime)
            } else if (overlapping || self.partitions.isEmpty) && self.rules.meets(start, event, start: nil) {
                let extra = start.alias.map { [($0, event.value)] } ?? []
                if let p = self.open(statement, runtime, key: nil, start: event, extra: extra) {
                    self.deliver(event, to: p, statement, runtime)
                }
            }
        }
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {
        if case .pattern(let timer) = kind { return self.patternTimer(timer, statement, runtime) }
        guard case .context(let id) = kind else { return }
        if id == Self.startTimer {
            guard case .temporal(_, _, let overlapping) = self.rules.kind, overlapping || self.partitions.isEmpty
            else { return }
            self.open(statement, runtime, key: nil, start: nil, extra: [])
            return
        }
        if let p = self.partitions.first(where: { $0.id == id }) { self.close(p, statement, runtime) }
    }

    /// A start or end pattern's timer fired: its matches start or end partitions.
    private func patternTimer(_ timer: PatternTimer, _ statement: Statement, _ runtime: Runtime) {
        guard let engine = timer.state?.engine else { return }
        self.matches.clear()
        if engine === self.startMatcher, case .temporal(.pattern(_, _, let tags), _, _) = self.rules.kind {
            engine.fire(timer, now: runtime.now, into: &self.matches)
            return self.started(engine, tags: tags, statement, runtime)
        }
        guard let p = self.partitions.first(where: { $0.endMatcher === engine }) else { return }
        engine.fire(timer, now: runtime.now, into: &self.matches)
        engine.settle(statement: statement, runtime: runtime, warned: &self.warnedDrops)
        let ended = !self.matches.isEmpty
        self.matches.clear()
        if ended { self.close(p, statement, runtime) }
    }

    /// The event to the partition's copy, on each of its inputs the event's type fits.
    private func deliver(_ event: EngineEvent, to p: Partition, _ statement: Statement, _ runtime: Runtime) {
        for (j, t) in self.innerInputs.enumerated() where event.type.isSubtype(of: t) {
            statement.eventsIn += 1
            p.statement.receive(event, input: j, runtime: runtime)
            if self.innerOnce { return }
        }
    }

    /// Starts a partition (unless the limit is reached): compiles its copy of the statement with its
    /// `context` properties, and schedules its end when that is a time.
    @discardableResult
    private func open(
        _ statement: Statement,
        _ runtime: Runtime,
        key: HashedValue?,
        start: EngineEvent?,
        extra: [(String, Value)]
    ) -> Partition? {
        guard self.partitions.count < self.maxPartitions else {
            self.refused += 1
            runtime.warn(
                "context '\(self.rules.name)' refused a partition: limit \(self.maxPartitions)",
                count: self.refused
            )
            return nil
        }
        let id = self.nextID
        self.nextID += 1
        var properties = [
            ValueMap.Entry(key: "name", value: .string(self.rules.name)),
            ValueMap.Entry(key: "id", value: .int(Int64(id))),
        ]
        for (k, v) in extra { properties.append(ValueMap.Entry(key: k, value: v)) }
        let copy: Statement
        do throws(PlanError) {
            copy = try self.make(runtime, .object(ValueMap(properties)))
        } catch {
            self.refused += 1
            runtime.warn("context '\(self.rules.name)' could not start a partition: \(error)", count: self.refused)
            return nil
        }
        copy.ordinal = statement.ordinal
        copy.listeners = [{ [unowned statement] in statement.relay($0) }]
        let p = Partition(id: id, statement: copy, start: start, key: key)
        self.partitions.append(p)
        if let key { self.byKey[key] = p }
        copy.start(runtime: runtime)
        if case .temporal(_, let end, _) = self.rules.kind {
            switch end {
            case .after(let d): runtime.scheduler.schedule(at: runtime.now + d, statement, .context(id))
            case .crontab(let c):
                if let t = c.next(after: runtime.now) { runtime.scheduler.schedule(at: t, statement, .context(id)) }
            case .pattern(let make, _, _):
                let matcher = make()
                p.endMatcher = matcher
                self.matches.clear()
                matcher.start(now: runtime.now, into: &self.matches)
                matcher.settle(statement: statement, runtime: runtime, warned: &self.warnedDrops)
                self.matches.clear()
            case .now, .filter: break
            }
        }
        return p
    }

    /// Ends a partition: its `output when terminated` rows go out, its copy stops; a start/end context
    /// whose start is `@now` (or a time) starts the next partition.
    private func close(_ p: Partition, _ statement: Statement, _ runtime: Runtime) {
        guard let i = self.partitions.firstIndex(where: { $0 === p }) else { return }
        if case .terminated? = p.statement.limiter.spec?.trigger {
            p.statement.fire(.output, at: runtime.now, runtime: runtime)
        }
        p.statement.stop()
        p.endMatcher?.stop()
        self.ended.evictions += p.statement.front.evictions
        self.ended.dropped += p.statement.front.droppedInstances
        self.ended.groupOverflows += p.statement.processor?.groupOverflows ?? 0
        self.partitions.remove(at: i)
        if let key = p.key { self.byKey[key] = nil }
        if case .temporal(let start, _, false) = self.rules.kind { self.arm(start, statement, runtime) }
    }
}
