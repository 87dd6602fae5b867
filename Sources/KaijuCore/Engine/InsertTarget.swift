/// Where `insert into` puts a statement's rows: converts each row to an event of the target type.
struct InsertTarget {
    let type: EventType

    /// The event for `row` at engine time `now`, or a reason it cannot be built.
    func event(from row: Row, now: Int64) -> Result<EngineEvent, PlanError> {
        switch self.type.representation {
        case .event:
            let ts = row["timestamp"]?.intValue ?? now
            guard case .object(let payload)? = row["payload"] ?? .object([:]) else {
                return .failure(PlanError(.invalid, "insert into Event: 'payload' is not a map", subject: "payload"))
            }
            guard case .object(let context)? = row["context"] ?? .object([:]) else {
                return .failure(PlanError(.invalid, "insert into Event: 'context' is not a map", subject: "context"))
            }
            let e = Event(timestamp: ts, payload: payload, context: context)
            return .success(EngineEvent(type: self.type, timestamp: now, body: .event(e)))
        case .metric:
            guard let name = row["name"]?.stringValue else { return .failure(PlanError(.invalid, "insert into Metric: no 'name'", subject: "name")) }
            let m = Metric(
                name: name, timestamp: row["timestamp"]?.intValue ?? now, fields: row["fields"]?.objectValue ?? [:],
                tags: row["tags"]?.objectValue ?? [:]
            )
            return .success(EngineEvent(type: self.type, timestamp: now, body: .metric(m)))
        case .log:
            let l = LogRecord(timestamp: row["timestamp"]?.intValue ?? now, fields: row["fields"]?.objectValue ?? [:])
            return .success(EngineEvent(type: self.type, timestamp: now, body: .log(l)))
        case .batch, .span, .tuple:
            return .failure(PlanError(.invalid, "cannot insert into \(self.type.name)"))
        case .row:
            var values = [Value](repeating: .null, count: self.type.columns.count)
            for (i, name) in row.columns.enumerated() {
                if let c = self.type.columnIndex(name) { values[c] = self.type.columns[c].type.coerce(row.values[i]) }
            }
            return .success(EngineEvent(type: self.type, timestamp: now, body: .row(values)))
        }
    }
}
