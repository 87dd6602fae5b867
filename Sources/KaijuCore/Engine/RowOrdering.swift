/// `order by` and `limit` of a statement: sorts each output batch by selected columns, then keeps a slice.
struct RowOrdering {
    let keys: [(column: String, descending: Bool)]
    let limit: StatementPlan.RowLimit?

    /// `nil` when the plan has neither clause.
    /// - Throws: ``PlanError`` when an `order by` item is not a selected column (by expression or name).
    init?(_ plan: StatementPlan, columns: [String], wildcard: Bool) throws(PlanError) {
        guard !plan.orderBy.isEmpty || plan.limit != nil else { return nil }
        var keys: [(String, Bool)] = []
        for item in plan.orderBy {
            let byExpression = plan.select.first {
                if case .expression(item.expression, _) = $0 { return true } else { return false }
            }
            if case .expression(_, let name)? = byExpression {
                keys.append((name, item.descending))
            } else if case .property(nil, let path) = item.expression, path.count == 1,
                wildcard || columns.contains(path[0])
            {
                keys.append((path[0], item.descending))
            } else {
                throw PlanError(
                    .invalid,
                    "order by '\(item.expression)' is not a selected column (\(columns.joined(separator: ", ")))",
                    subject: "\(item.expression)"
                )
            }
        }
        self.keys = keys
        self.limit = plan.limit
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
        return out
    }
}
