/// A table's rows, keyed by primary key. Each row is an event of the table's row type, updated in
/// place by on-merge statements (which snapshot the values before as `initial`).
final class Table {
    let name: String
    let type: EventType
    /// Positions of the primary key columns.
    let keyIndices: [Int]
    @exclusivity(unchecked) private(set) var rows: [HashedValue: EngineEvent] = [:] {
        didSet { self.version &+= 1 }
    }
    /// Told the key of each row removed (`on ... delete`), so `into table` statements start that row afresh.
    @exclusivity(unchecked) var removalObservers: [(Value) -> Void] = []
    /// Changes whenever a row is added, removed or moved (not when a row's values are updated in place).
    @exclusivity(unchecked) private(set) var version = 0
    /// The last lookup, as one event often reads several columns of one row (`T[k].a`, `T[k].b`).
    @exclusivity(unchecked) private var lastKey: Value?
    @exclusivity(unchecked) private var lastRow: EngineEvent?

    /// Most rows the table keeps; a row of a new key beyond it is refused (counted).
    let maxRows: Int
    /// Rows refused by ``maxRows``.
    @exclusivity(unchecked) private(set) var refusedRows = 0

    init(_ d: TableDeclaration, maxRows: Int = .max) throws(PlanError) {
        self.maxRows = maxRows
        guard !d.columns.isEmpty else {
            throw PlanError(.invalid, "table '\(d.name)' needs at least one column", subject: d.name)
        }
        let type = EventType(name: d.name, representation: .row, ownColumns: d.columns, parents: [])
        guard type.columns.count == d.columns.count else {
            throw PlanError(.duplicate, "table '\(d.name)' has a duplicate column", subject: d.name)
        }
        var keys: [Int] = []
        for k in d.primaryKey {
            guard let i = type.columnIndex(k) else {
                throw PlanError(.invalid, "primary key '\(k)' is not a column of table '\(d.name)'", subject: k)
            }
            keys.append(i)
        }
        self.name = d.name
        self.type = type
        self.keyIndices = keys
    }

    /// The lookup key of given key values, coerced to the key columns' types.
    func key(_ values: [Value]) -> Value {
        Value.key(zip(self.keyIndices, values).map { self.type.columns[$0].type.coerce($1) })
    }

    /// The lookup key of key expressions evaluated in `context` (no arrays for a one-column key).
    func key(of exprs: [CompiledExpr], in context: EvalContext) -> Value {
        if exprs.count == 1 { return self.type.columns[self.keyIndices[0]].type.coerce(exprs[0](context)) }
        return self.key(exprs.map { $0(context) })
    }

    /// The key of a row.
    func key(ofRow values: [Value]) -> Value {
        if self.keyIndices.count == 1 { return values[self.keyIndices[0]] }
        return self.key(self.keyIndices.map { values[$0] })
    }

    /// The row under `key`, or `nil`.
    func row(_ key: Value) -> EngineEvent? {
        if let lastKey, lastKey == key { return self.lastRow }
        let row = self.rows[HashedValue(key)]
        self.lastKey = key
        self.lastRow = row
        return row
    }

    /// Moves a row whose key columns were updated in place from `old` to its new key.
    func rekey(_ row: EngineEvent, from old: Value) {
        self.forgetLastLookup()
        self.rows[HashedValue(old)] = nil
        self.rows[HashedValue(self.key(ofRow: row.columnValues))] = row
    }

    private func forgetLastLookup() {
        self.lastKey = nil
        self.lastRow = nil
    }

    /// Stores a row (values in column order, coerced to the column types) under its key; `nil` when the
    /// key is new and the table holds ``maxRows`` rows already (the refusal is counted).
    @discardableResult
    func put(_ values: [Value], now: Int64) -> EngineEvent? {
        let coerced = zip(self.type.columns, values).map { $0.type.coerce($1) }
        let key = HashedValue(self.key(ofRow: coerced))
        if self.rows.count >= self.maxRows, self.rows[key] == nil {
            self.refusedRows += 1
            return nil
        }
        let row = EngineEvent(type: self.type, timestamp: now, body: .tableRow(TableRow(coerced)))
        self.forgetLastLookup()
        self.rows[key] = row
        return row
    }

    /// Removes the row under `key`.
    func remove(_ key: Value) {
        for observer in self.removalObservers { observer(key) }
        self.forgetLastLookup()
        self.rows[HashedValue(key)] = nil
    }

    /// Every row, ordered by primary key.
    var sortedRows: [EngineEvent] {
        self.rows.sorted { a, b in
            if let order = Value.eplCompare(a.key.value, b.key.value) { return order == .orderedAscending }
            return a.key.value.jsonString < b.key.value.jsonString
        }.map(\.value)
    }
}
