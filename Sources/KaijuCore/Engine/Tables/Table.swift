/// A table's rows, keyed by primary key. Each row is an event of the table's row type, replaced
/// (never mutated) on update, so a row read by an expression stays consistent.
final class Table {
    let name: String
    let type: EventType
    /// Positions of the primary key columns.
    let keyIndices: [Int]
    private(set) var rows: [Value: EngineEvent] = [:]

    init(_ d: TableDeclaration) throws(PlanError) {
        guard !d.columns.isEmpty else { throw PlanError("table '\(d.name)' needs at least one column") }
        let type = EventType(name: d.name, representation: .row, ownColumns: d.columns, parents: [])
        guard type.columns.count == d.columns.count else { throw PlanError("table '\(d.name)' has a duplicate column") }
        guard !d.primaryKey.isEmpty else { throw PlanError("table '\(d.name)' needs a primary key column") }
        var keys: [Int] = []
        for k in d.primaryKey {
            guard let i = type.columnIndex(k) else { throw PlanError("primary key '\(k)' is not a column of table '\(d.name)'") }
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

    /// The key of a row.
    func key(ofRow values: [Value]) -> Value {
        self.key(self.keyIndices.map { values[$0] })
    }

    /// The row under `key`, or `nil`.
    func row(_ key: Value) -> EngineEvent? { self.rows[key] }

    /// Stores a row (values in column order, coerced to the column types) under its key.
    @discardableResult
    func put(_ values: [Value], now: Int64) -> EngineEvent {
        let coerced = zip(self.type.columns, values).map { $0.type.coerce($1) }
        let row = EngineEvent(type: self.type, timestamp: now, body: .row(coerced))
        self.rows[self.key(ofRow: coerced)] = row
        return row
    }

    /// Removes the row under `key`.
    func remove(_ key: Value) { self.rows[key] = nil }

    /// Every row, ordered by primary key.
    var sortedRows: [EngineEvent] {
        self.rows.sorted { a, b in
            if let order = Value.eplCompare(a.key, b.key) { return order == .orderedAscending }
            return a.key.jsonString < b.key.jsonString
        }.map(\.value)
    }
}
