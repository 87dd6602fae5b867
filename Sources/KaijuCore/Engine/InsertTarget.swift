/// Where `insert into` puts a statement's rows: converts each row to an event of the target type.
struct InsertTarget {
    let type: EventType

    /// The event for `row` at engine time `now`, or a reason it cannot be built.
    func event(from row: Row, now: Int64) -> Result<EngineEvent, PlanError> {
        switch self.type.representation {
        case .metric: return self.model(Metric.self, from: row, now: now)
        case .log: return self.model(LogRecord.self, from: row, now: now)
        case .event: return self.model(Event.self, from: row, now: now)
        case .batch, .span, .tuple:
            return .failure(PlanError(.invalid, "cannot insert into \(self.type.name)", subject: self.type.name))
        case .row:
            var values = [Value](repeating: .null, count: self.type.columns.count)
            for (i, name) in row.columns.enumerated() {
                if let c = self.type.columnIndex(name) {
                    values[c] = self.type.columns[c].type.coerce(row.value(at: i))
                }
            }
            return .success(EngineEvent(type: self.type, timestamp: now, body: .row(values)))
        }
    }

    /// A model value built from the row's columns (a missing `timestamp` is `now`).
    private func model<M: EventKind>(_ kind: M.Type, from row: Row, now: Int64) -> Result<EngineEvent, PlanError> {
        guard var model = M.blank(at: now) else {
            return .failure(PlanError(.invalid, "cannot insert into \(self.type.name)", subject: self.type.name))
        }
        for column in M.columns {
            guard let value = row[column.name], !value.isNull else {
                if column.isRequired {
                    return .failure(
                        PlanError(.invalid, "insert into \(self.type.name): no '\(column.name)'", subject: column.name)
                    )
                }
                continue
            }
            guard column.assign(value, to: &model) else {
                return .failure(
                    PlanError(
                        .invalid,
                        "insert into \(self.type.name): '\(column.name)' is not a \(column.type.rawValue)",
                        subject: column.name
                    )
                )
            }
        }
        return .success(EngineEvent(type: self.type, timestamp: now, body: model.eventBody))
    }
}
