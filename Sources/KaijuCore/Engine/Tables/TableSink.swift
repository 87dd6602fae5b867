/// Where an `into table` statement writes: each group's row goes into the table row of the group's key,
/// under the columns of the same names (the key columns take the group-by values).
final class TableSink {
    let table: Table
    /// Each table column's position, by name.
    private let columnIndex: [String: Int]

    /// The group keys of rows removed from the table since the last update: their aggregation starts afresh.
    @exclusivity(unchecked) var removedGroups: [Value] = []

    init(_ table: Table) {
        self.table = table
        var index: [String: Int] = [:]
        for (i, c) in table.type.columns.enumerated() { index[c.name] = i }
        self.columnIndex = index
        let keyless = table.keyIndices.isEmpty
        table.removalObservers.append { [weak self] key in self?.removedGroups.append(keyless ? .null : key) }
    }

    /// Writes the insert-stream rows of one update (`build` makes a deferred row).
    func write(_ rows: [ResultProcessor.KeyedRow], now: Int64, build: (ResultProcessor.KeyedRow) -> Row?) {
        let keys = self.table.keyIndices
        for r in rows where !r.isOld {
            guard let row = build(r) else { continue }
            let parts: [Value]
            if keys.isEmpty {
                parts = []
            } else if keys.count == 1 {
                parts = [r.key.value]
            } else if case .array(let p) = r.key.value, p.count == keys.count {
                parts = p
            } else {
                continue
            }
            var values: [Value]
            if let existing = self.table.row(self.table.key(parts)), case .tableRow(let current) = existing.body {
                values = current.values
            } else {
                values = Array(repeating: .null, count: self.table.type.columns.count)
                for (i, k) in keys.enumerated() { values[k] = parts[i] }
            }
            for (i, name) in row.columns.enumerated() {
                if let c = self.columnIndex[name], !keys.contains(c) { values[c] = row.value(at: i) }
            }
            self.table.put(values, now: now)
        }
    }
}
