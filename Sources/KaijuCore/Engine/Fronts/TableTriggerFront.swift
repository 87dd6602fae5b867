/// `on Stream merge|delete|select Table`: each triggering event finds its rows (by primary key when the
/// `where` correlates every key column by equality, else by scanning) and applies the first clause
/// that fits, or (`select`) outputs one row per matching row. Evaluation tuples are `(event, row, initial row)`.
final class TableTriggerFront: StatementFront, OnTupleEvaluating {
    /// A compiled merge clause (a class: finding the clause that applies copies one reference, not its payloads).
    final class Clause {
        enum Action {
            /// Column positions and values, applied in order.
            case update([(Int, CompiledExpr)])
            case insert([(Int, CompiledExpr)])
            /// `insert into Stream select ...`: a row of these columns, sent to the stream as an event.
            case insertInto(InsertTarget, names: [String], values: [CompiledExpr])
            case delete
        }

        /// For `insert into Stream`: sends the row the clause selects (in `context`) to the stream, on
        /// behalf of statement `producer`.
        func route(in context: EvalContext, from producer: String, runtime: Runtime) {
            guard case .insertInto(let target, let names, let values) = self.action else { return }
            let row = Row(columns: names, values: values.map { $0(context) })
            switch target.event(from: row, now: runtime.now) {
            case .success(let e): runtime.enqueue(e, from: producer)
            case .failure: runtime.counters.insertFailures += 1
            }
        }

        let matched: Bool
        let condition: CompiledExpr?
        let action: Action

        init(matched: Bool, condition: CompiledExpr?, action: Action) {
            self.matched = matched
            self.condition = condition
            self.action = action
        }
    }

    /// An on-select's output columns.
    struct Selection {
        let names: [String]
        let values: [CompiledExpr]
        /// `select and delete`: the rows read are deleted afterwards.
        var deletes = false
    }

    let inputs: [EventType]
    let filter: CompiledExpr?
    let table: Table
    let tupleType: EventType
    let context: EvalContext
    /// Computes the primary key from the triggering event alone, when the correlation allows.
    let keyLookup: [CompiledExpr]?
    /// The correlation (without the conjuncts a key lookup covers).
    let whereClause: CompiledExpr?
    /// Merge clauses; a delete statement has one unconditional delete.
    let clauses: [Clause]
    /// Whether an update may change a primary key column (the row then moves).
    let updatesKey: Bool
    /// What an on-select outputs (nil for merge and delete).
    let selection: Selection?
    /// Rows changed (inserted, updated or deleted).
    @exclusivity(unchecked) private(set) var rowsChanged = 0
    /// What `initial.col` reads: a copy of the row's values before the merge, one row reused for
    /// every merge (taking a snapshot allocates nothing, and the row's own values are not shared, so
    /// updating them in place copies nothing either).
    private let initialValues = TableRow([])
    private let initial: EngineEvent
    /// The rows an on-merge inserted or updated for the event being handled, delivered as its output
    /// (Esper's insert stream), collected only when someone listens.
    private var merged: [Row] = []
    /// The statement whose event is being applied (the producer of what its clauses insert).
    private var producer = ""
    private var collectsMerged = false

    init(
        type: EventType,
        filter: CompiledExpr?,
        table: Table,
        tupleType: EventType,
        context: EvalContext,
        keyLookup: [CompiledExpr]?,
        whereClause: CompiledExpr?,
        clauses: [Clause],
        updatesKey: Bool,
        selection: Selection? = nil
    ) {
        self.updatesKey = updatesKey
        self.selection = selection
        self.inputs = [type]
        self.filter = filter
        self.table = table
        self.tupleType = tupleType
        self.context = context
        self.keyLookup = keyLookup
        self.whereClause = whereClause
        self.clauses = clauses
        self.initial = EngineEvent(type: table.type, timestamp: 0, body: .tableRow(self.initialValues))
    }

    /// Copies `values` into ``initialValues`` element by element.
    private func snapshot(_ values: [Value]) {
        if self.initialValues.values.count != values.count {
            self.initialValues.values = Array(repeating: .null, count: values.count)
        }
        for i in values.indices { self.initialValues.values[i] = values[i] }
    }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        guard self.admits(event) else { return }
        statement.eventsIn += 1
        self.producer = statement.name
        if let selection {
            statement.emit(self.select(event, selection), runtime: runtime)
            return
        }
        self.collectsMerged = statement.hasConsumers
        self.mergeOrInsert(event, runtime: runtime)
        if !self.merged.isEmpty {
            let rows = self.merged
            self.merged.removeAll(keepingCapacity: true)
            statement.emit(rows, runtime: runtime)
        }
    }

    /// Merges `event` into the rows it correlates with, or inserts it when none does.
    private func mergeOrInsert(_ event: EngineEvent, runtime: Runtime) {
        if let keyLookup {
            self.context.event = event
            if let row = self.table.row(self.table.key(of: keyLookup, in: self.context)),
                self.merge(event, into: row, runtime: runtime)
            {
                return
            }
        } else {
            var any = false
            for row in self.table.sortedRows where self.merge(event, into: row, runtime: runtime) { any = true }
            if any { return }
        }
        self.insertIfNotMatched(event, runtime: runtime)
    }

    /// Remembers a row an on-merge inserted or updated, as the table's columns.
    private func deliver(_ values: [Value]) {
        guard self.collectsMerged else { return }
        self.merged.append(Row(columns: self.table.type.columnNames, values: values))
    }

    /// The on-select rows for `event`: one per correlated table row, in key order.
    private func select(_ event: EngineEvent, _ selection: Selection) -> [Row] {
        var candidates: [EngineEvent]
        if let keyLookup {
            self.context.event = event
            candidates = self.table.row(self.table.key(of: keyLookup, in: self.context)).map { [$0] } ?? []
        } else {
            candidates = self.table.sortedRows
        }
        var rows: [Row] = []
        for row in candidates {
            let t = self.tuple(event, row, row)
            guard self.passes(self.whereClause, t) else { continue }
            self.context.event = t
            rows.append(Row(columns: selection.names, values: selection.values.map { $0(self.context) }))
            if selection.deletes {
                self.table.remove(self.table.key(ofRow: row.columnValues))
                self.rowsChanged += 1
            }
        }
        return rows
    }

    /// Applies the first matching `when matched` clause to `row` if the correlation holds; returns
    /// whether it held. Updates run in place on the row; `initial` reads a snapshot of it.
    private func merge(_ event: EngineEvent, into row: EngineEvent, runtime: Runtime) -> Bool {
        guard case .tableRow(let storage) = row.body else { return false }
        self.snapshot(storage.values)
        let t = self.tuple(event, row, self.initial)
        guard self.passes(self.whereClause, t) else { return false }
        guard let clause = self.clauses.first(where: { $0.matched && self.passes($0.condition, t) }) else {
            return true
        }
        switch clause.action {
        case .update(let assignments):
            self.context.event = t
            for (i, f) in assignments { storage.values[i] = self.table.type.columns[i].type.coerce(f(self.context)) }
            if self.updatesKey {
                let old = self.table.key(ofRow: self.initialValues.values)
                if self.table.key(ofRow: row.columnValues) != old { self.table.rekey(row, from: old) }
            }
            self.deliver(storage.values)
        case .delete:
            self.table.remove(self.table.key(ofRow: row.columnValues))
        case .insertInto:
            self.context.event = t
            clause.route(in: self.context, from: self.producer, runtime: runtime)
            return true
        case .insert:
            return true
        }
        self.rowsChanged += 1
        return true
    }

    /// Runs the first `when not matched` clause that fits (an insert, into the table or a stream).
    private func insertIfNotMatched(_ event: EngineEvent, runtime: Runtime) {
        let bare = self.tuple(event, nil, nil)
        guard let clause = self.clauses.first(where: { !$0.matched && self.passes($0.condition, bare) }) else { return }
        self.context.event = bare
        if case .insertInto = clause.action {
            return clause.route(in: self.context, from: self.producer, runtime: runtime)
        }
        guard case .insert(let values) = clause.action else { return }
        var row = [Value](repeating: .null, count: self.table.type.columns.count)
        for (i, f) in values { row[i] = f(self.context) }
        guard let stored = self.table.put(row, now: runtime.now) else {
            runtime.warn(
                "table '\(self.table.name)' refused a row: limit \(self.table.maxRows)",
                count: self.table.refusedRows
            )
            return
        }
        self.rowsChanged += 1
        self.deliver(stored.columnValues)
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {}

    var contents: [EngineEvent] { self.table.sortedRows }
    var evictions: Int { 0 }
}
