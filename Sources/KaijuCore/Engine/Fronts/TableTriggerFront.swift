/// `on Stream merge|delete Table`: each triggering event finds its rows (by primary key when the
/// `where` correlates every key column by equality, else by scanning) and applies the first clause
/// that fits. Evaluation tuples are `(event, row, initial row)`.
final class TableTriggerFront: StatementFront {
    /// A compiled merge clause.
    struct Clause {
        enum Action {
            /// Column positions and values, applied in order.
            case update([(Int, CompiledExpr)])
            case insert([(Int, CompiledExpr)])
            case delete
        }

        let matched: Bool
        let condition: CompiledExpr?
        let action: Action
    }

    let inputs: [EventType]
    let filter: CompiledExpr?
    let table: Table
    let tupleType: EventType
    let context: EvalContext
    /// Computes the primary key from the triggering event, when the correlation allows.
    let keyLookup: [CompiledExpr]?
    let whereClause: CompiledExpr?
    /// Merge clauses; a delete statement has one unconditional delete.
    let clauses: [Clause]
    /// Rows changed (inserted, updated or deleted).
    private(set) var rowsChanged = 0

    init(
        type: EventType, filter: CompiledExpr?, table: Table, tupleType: EventType, context: EvalContext,
        keyLookup: [CompiledExpr]?, whereClause: CompiledExpr?, clauses: [Clause]
    ) {
        self.inputs = [type]
        self.filter = filter
        self.table = table
        self.tupleType = tupleType
        self.context = context
        self.keyLookup = keyLookup
        self.whereClause = whereClause
        self.clauses = clauses
    }

    private func tuple(_ event: EngineEvent, _ row: EngineEvent?, _ initial: EngineEvent?) -> EngineEvent {
        EngineEvent(type: self.tupleType, timestamp: event.timestamp, body: .tuple([event, row, initial]))
    }

    private func passes(_ f: CompiledExpr?, _ tuple: EngineEvent) -> Bool {
        guard let f else { return true }
        self.context.event = tuple
        return f(self.context).isTrue
    }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        if let f = self.filter {
            self.context.event = event
            guard f(self.context).isTrue else { return }
        }
        statement.eventsIn += 1
        let matched: [EngineEvent]
        if let keyLookup {
            self.context.event = self.tuple(event, nil, nil)
            let row = self.table.row(self.table.key(keyLookup.map { $0(self.context) }))
            matched = row.map { [$0] }?.filter { self.passes(self.whereClause, self.tuple(event, $0, $0)) } ?? []
        } else {
            matched = self.table.sortedRows.filter { self.passes(self.whereClause, self.tuple(event, $0, $0)) }
        }
        if matched.isEmpty {
            let bare = self.tuple(event, nil, nil)
            guard let clause = self.clauses.first(where: { !$0.matched && self.passes($0.condition, bare) }) else { return }
            if case .insert(let values) = clause.action {
                var row = [Value](repeating: .null, count: self.table.type.columns.count)
                self.context.event = bare
                for (i, f) in values { row[i] = f(self.context) }
                self.table.put(row, now: runtime.now)
                self.rowsChanged += 1
            }
            return
        }
        for row in matched {
            let start = self.tuple(event, row, row)
            guard let clause = self.clauses.first(where: { $0.matched && self.passes($0.condition, start) }) else { continue }
            let oldKey = self.table.key(ofRow: Self.values(row))
            switch clause.action {
            case .update(let assignments):
                var values = Self.values(row)
                var current = row
                for (i, f) in assignments {
                    self.context.event = self.tuple(event, current, row)
                    values[i] = self.table.type.columns[i].type.coerce(f(self.context))
                    current = EngineEvent(type: self.table.type, timestamp: runtime.now, body: .row(values))
                }
                if self.table.key(ofRow: values) != oldKey { self.table.remove(oldKey) }
                self.table.put(values, now: runtime.now)
            case .delete:
                self.table.remove(oldKey)
            case .insert:
                continue
            }
            self.rowsChanged += 1
        }
    }

    private static func values(_ row: EngineEvent) -> [Value] {
        if case .row(let v) = row.body { return v }
        return []
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {}

    var contents: [EngineEvent] { self.table.sortedRows }
    var evictions: Int { 0 }
}
