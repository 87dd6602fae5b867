/// `on Stream merge|update|delete` over a named window: each triggering event finds the window's events
/// its `where` correlates with (scanning the window, oldest first) and applies the first clause that
/// fits — updating the event in its place, or deleting it — or, when none correlates, runs a `when not
/// matched` insert into the window. The window's readers get the changes as one update: updated events
/// as new (after) and old (before) rows, deleted ones as old rows. The statement's own rows are the
/// events updated, inserted or deleted. Evaluation tuples are `(event, window event, initial event)`.
final class WindowTriggerFront: StatementFront, OnTupleEvaluating {
    let inputs: [EventType]
    let filter: CompiledExpr?
    /// The statement holding the window, whose update tells the readers.
    let holder: Statement
    let chain: WindowChain
    let windowType: EventType
    let tupleType: EventType
    let context: EvalContext
    let whereClause: CompiledExpr?
    let clauses: [TableTriggerFront.Clause]
    /// A `create index` of the window the correlation covers, and the key expressions over the trigger.
    let lookup: (index: WindowHashIndex, keys: [CompiledExpr])?
    /// Events updated or deleted.
    @exclusivity(unchecked) private(set) var rowsChanged = 0
    @exclusivity(unchecked) private var entered: [WindowEntry] = []
    @exclusivity(unchecked) private var left: [WindowEntry] = []
    @exclusivity(unchecked) private var output: [Row] = []
    /// The statement whose event is being applied (the producer of what its clauses insert).
    private var producer = ""

    init(
        trigger: OnTrigger,
        holder: Statement,
        chain: WindowChain,
        windowType: EventType,
        whereClause: CompiledExpr?,
        clauses: [TableTriggerFront.Clause],
        lookup: (index: WindowHashIndex, keys: [CompiledExpr])? = nil
    ) {
        self.lookup = lookup
        self.inputs = [trigger.type]
        self.filter = trigger.filter
        self.tupleType = trigger.tupleType
        self.context = trigger.context
        self.holder = holder
        self.chain = chain
        self.windowType = windowType
        self.whereClause = whereClause
        self.clauses = clauses
    }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        guard self.admits(event) else { return }
        statement.eventsIn += 1
        self.producer = statement.name
        self.entered.clear()
        self.left.clear()
        self.output.clear()
        let reports = statement.hasConsumers
        var matched = false
        for entry in self.candidates(for: event) where entry.alive {
            let t = self.tuple(event, entry.event, entry.event)
            guard self.passes(self.whereClause, t) else { continue }
            matched = true
            guard let clause = self.clauses.first(where: { $0.matched && self.passes($0.condition, t) }) else {
                continue
            }
            switch clause.action {
            case .update(let assignments):
                let before = entry.event
                var values = before.columnValues
                for (i, f) in assignments {
                    // A bare column reads the value already assigned; `initial.col` the value before.
                    let current = EngineEvent(type: self.windowType, timestamp: before.timestamp, body: .row(values))
                    self.context.event = self.tuple(event, current, before)
                    values[i] = self.windowType.columns[i].type.coerce(f(self.context))
                }
                entry.replace(with: EngineEvent(type: self.windowType, timestamp: before.timestamp, body: .row(values)))
                self.entered.append(entry)
                self.left.append(WindowEntry(event: before, seq: entry.seq, enteredAt: entry.enteredAt))
                if reports { self.output.append(Row(columns: self.windowType.columnNames, values: values)) }
            case .delete:
                self.chain.remove(entry)
                self.left.append(entry)
                if reports {
                    self.output.append(Row(columns: self.windowType.columnNames, values: entry.event.columnValues))
                }
            case .insertInto:
                self.context.event = t
                clause.route(in: self.context, from: self.producer, runtime: runtime)
                continue
            case .insert:
                continue
            }
            self.rowsChanged += 1
        }
        if !self.entered.isEmpty || !self.left.isEmpty {
            self.holder.update(new: self.entered, old: self.left, runtime: runtime)
        }
        if !matched { self.insertIfNotMatched(event, reports: reports, runtime: runtime) }
        if !self.output.isEmpty { statement.emit(self.output, runtime: runtime) }
    }

    /// The window's events the trigger may correlate with: those of its key in the index, else all.
    private func candidates(for event: EngineEvent) -> [WindowEntry] {
        guard let (index, keys) = self.lookup else { return self.chain.contents }
        self.context.event = event
        let values = zip(index.columns, keys).map { c, k in self.windowType.columns[c].type.coerce(k(self.context)) }
        return index.entries(values)
    }

    /// Runs the first `when not matched` clause that fits: its event enters the window as if inserted into it.
    private func insertIfNotMatched(_ event: EngineEvent, reports: Bool, runtime: Runtime) {
        let bare = self.tuple(event, nil, nil)
        guard let clause = self.clauses.first(where: { !$0.matched && self.passes($0.condition, bare) }) else { return }
        self.context.event = bare
        if case .insertInto = clause.action {
            return clause.route(in: self.context, from: self.producer, runtime: runtime)
        }
        guard case .insert(let assignments) = clause.action else { return }
        var values = [Value](repeating: .null, count: self.windowType.columns.count)
        for (i, f) in assignments { values[i] = self.windowType.columns[i].type.coerce(f(self.context)) }
        self.holder.receive(
            EngineEvent(type: self.windowType, timestamp: runtime.now, body: .row(values)),
            input: 0,
            runtime: runtime
        )
        self.rowsChanged += 1
        if reports { self.output.append(Row(columns: self.windowType.columnNames, values: values)) }
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {}

    var contents: [EngineEvent] { [] }
    var evictions: Int { 0 }
}
