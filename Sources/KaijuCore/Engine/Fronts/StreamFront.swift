/// One typed stream: filter → (contained-event expansion) → windows → the statement's view.
final class StreamFront: StatementFront {
    let inputs: [EventType]
    let filter: CompiledExpr?
    let stage: WindowStage
    /// For `Type[select ... from list]`: turns one event into its rows.
    let expand: ContainedExpansion?
    @exclusivity(unchecked) private var seq: Int64 = 0
    @exclusivity(unchecked) private var expanded: [WindowEntry] = []

    var streamFilter: CompiledExpr? { self.filter }

    func start(_ statement: Statement, runtime: Runtime) { self.stage.start(statement, runtime) }

    init(type: EventType, filter: CompiledExpr?, stage: WindowStage, expand: ContainedExpansion?) {
        self.inputs = [type]
        self.filter = filter
        self.stage = stage
        self.expand = expand
    }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        if let f = self.filter {
            statement.context.event = event
            guard f(statement.context).isTrue else { return }
        }
        statement.eventsIn += 1
        let now = runtime.now
        if let expand = self.expand {
            self.expanded.clear()
            for row in expand.rows(of: event, now: now) {
                self.seq += 1
                self.expanded.append(WindowEntry(event: row, seq: self.seq, enteredAt: now))
            }
            if self.expanded.isEmpty { return }
            self.stage.insert(self.expanded, statement: statement, runtime: runtime) {
                statement.update(new: $0, old: $1, runtime: runtime)
            }
            return
        }
        self.seq += 1
        self.stage.history?.record(event)
        let entry = self.stage.entry(for: event, seq: self.seq, now: now)
        self.stage.insert(entry, statement: statement, runtime: runtime) {
            statement.update(new: $0, old: $1, runtime: runtime)
        }
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {
        self.stage.fire(kind, at: at, statement: statement, runtime: runtime) {
            statement.update(new: $0, old: $1, runtime: runtime)
        }
    }

    var contents: [EngineEvent] { self.stage.contents.map(\.event) }
    var evictions: Int { self.stage.evictions }
}

/// Esper's contained-event selection: one tuple `(element, event)` per element of a list — a Jaeger
/// `Batch`'s spans, or a declared type's `Type[]` column — so expressions read the element as the
/// element alias and the containing event through derived names (`p`).
struct ContainedExpansion {
    let tupleType: EventType
    let elementType: EventType
    /// The declared type's list column (`nil`: a batch's spans).
    let column: Int?

    func rows(of event: EngineEvent, now: Int64) -> [EngineEvent] {
        guard let column = self.column else {
            guard case .batch(let b) = event.body else { return [] }
            return b.spans.map { span in
                let element = EngineEvent(type: self.elementType, timestamp: now, body: .span(span))
                return EngineEvent(type: self.tupleType, timestamp: now, body: .tuple([element, event]))
            }
        }
        guard case .array(let items) = event.columnValues[column] else { return [] }
        let columns = self.elementType.columns
        return items.compactMap { item in
            guard case .object(let map) = item else { return nil }
            let values = columns.map { c in c.type.coerce(map[c.name] ?? .null) }
            let element = EngineEvent(type: self.elementType, timestamp: now, body: .row(values))
            return EngineEvent(type: self.tupleType, timestamp: now, body: .tuple([element, event]))
        }
    }
}

/// A pattern's matches → windows → the statement's view.
final class PatternFront: StatementFront {
    let engine: any PatternMatcher
    let stage: WindowStage
    @exclusivity(unchecked) private var seq: Int64 = 0
    @exclusivity(unchecked) private var entries: [WindowEntry] = []
    @exclusivity(unchecked) private var matches: [EngineEvent] = []
    /// Refused instances already warned about.
    @exclusivity(unchecked) private var warnedDrops = 0

    init(engine: any PatternMatcher, stage: WindowStage) {
        self.engine = engine
        self.stage = stage
    }

    var inputs: [EventType] { self.engine.inputTypes }

    func start(_ statement: Statement, runtime: Runtime) {
        self.matches.clear()
        self.engine.start(now: runtime.now, into: &self.matches)
        self.deliver(statement: statement, runtime: runtime)
    }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        self.matches.clear()
        self.engine.receive(event, now: runtime.now, into: &self.matches)
        self.deliver(statement: statement, runtime: runtime)
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {
        if case .pattern(let timer) = kind {
            self.matches.clear()
            self.engine.fire(timer, now: runtime.now, into: &self.matches)
            self.deliver(statement: statement, runtime: runtime)
        } else {
            self.stage.fire(kind, at: at, statement: statement, runtime: runtime) {
                statement.update(new: $0, old: $1, runtime: runtime)
            }
        }
    }

    /// Schedules the timers the matcher asked for, warns when it refused instances, and hands
    /// ``matches`` to the windows.
    private func deliver(statement: Statement, runtime: Runtime) {
        self.engine.settle(statement: statement, runtime: runtime, warned: &self.warnedDrops)
        guard !self.matches.isEmpty else { return }
        statement.eventsIn += self.matches.count
        self.entries.clear()
        for m in self.matches {
            self.seq += 1
            self.entries.append(WindowEntry(event: m, seq: self.seq, enteredAt: runtime.now))
        }
        self.stage.insert(self.entries, statement: statement, runtime: runtime) {
            statement.update(new: $0, old: $1, runtime: runtime)
        }
    }

    func stop() { self.engine.stop() }

    var contents: [EngineEvent] { self.stage.contents.map(\.event) }
    var evictions: Int { self.stage.evictions }
    var droppedInstances: Int { self.engine.droppedInstances }
    /// Waits currently live.
    var liveInstances: Int { self.engine.liveInstances }
    var patternMatcher: (any PatternMatcher)? { self.engine }
}
