/// `order by` and `limit` of a statement: sorts each output batch, then keeps a slice. An `order by`
/// expression that is not a selected column is computed as a hidden column (``hiddenColumnName(_:)``),
/// dropped from the rows once they are sorted.
struct RowOrdering {
    let keys: [(column: String, descending: Bool)]
    let limit: StatementPlan.RowLimit?
    /// How many hidden columns end each row.
    let hidden: Int

    /// The selected column `item` orders by, if it is one (by expression or name).
    static func selectedColumn(
        _ item: StatementPlan.OrderItem,
        _ plan: StatementPlan,
        columns: [String],
        wildcard: Bool
    ) -> String? {
        let byExpression = plan.select.first {
            if case .expression(item.expression, _) = $0 { return true } else { return false }
        }
        if case .expression(_, let name)? = byExpression { return name }
        if case .property(nil, let path) = item.expression, path.count == 1, wildcard || columns.contains(path[0]) {
            return path[0]
        }
        return nil
    }

    /// The name of the hidden column of the `i`-th `order by` item.
    static func hiddenColumnName(_ i: Int) -> String { "#order\(i)" }

    /// `nil` when the plan has neither clause. `columns` are the selected ones, `hidden` the hidden ones after them.
    init?(_ plan: StatementPlan, columns: [String], wildcard: Bool, hidden: Int) {
        guard !plan.orderBy.isEmpty || plan.limit != nil else { return nil }
        var keys: [(String, Bool)] = []
        for (i, item) in plan.orderBy.enumerated() {
            let column = Self.selectedColumn(item, plan, columns: columns, wildcard: wildcard)
            keys.append((column ?? Self.hiddenColumnName(i), item.descending))
        }
        self.keys = keys
        self.limit = plan.limit
        self.hidden = hidden
    }

    func apply(_ rows: [Row]) -> [Row] {
        var out = rows
        if !self.keys.isEmpty {
            out = rows.enumerated().sorted { a, b in
                for key in self.keys {
                    let x = a.element[key.column] ?? .null
                    let y = b.element[key.column] ?? .null
                    if x == y { continue }
                    return key.descending ? y < x : x < y
                }
                return a.offset < b.offset
            }.map(\.element)
        }
        if let limit = self.limit {
            let start = min(max(0, limit.offset), out.count)
            out = Array(out[start..<(start + min(max(0, limit.count), out.count - start))])
        }
        if self.hidden > 0 {
            out = out.map { row in
                let visible = row.columns.count - self.hidden
                return Row(columns: Array(row.columns.prefix(visible)), values: Array(row.values.prefix(visible)))
            }
        }
        return out
    }
}
