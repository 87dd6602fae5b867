/// A variable's current value (shared by every statement that reads or sets it).
final class VariableCell {
    let name: String
    let type: ColumnType
    let constant: Bool
    @exclusivity(unchecked) var value: Value

    init(_ declaration: VariableDeclaration, value: Value) {
        self.name = declaration.name
        self.type = declaration.type
        self.constant = declaration.constant
        self.value = declaration.type.coerce(value)
    }
}

/// `on ... set`: each event that passes the trigger's filter assigns the variables in order and delivers one
/// row of their new values.
final class VariableSetFront: StatementFront {
    let inputs: [EventType]
    let filter: CompiledExpr?
    let assignments: [(cell: VariableCell, value: CompiledExpr)]
    let columns: [String]

    var streamFilter: CompiledExpr? { self.filter }
    var contents: [EngineEvent] { [] }
    var evictions: Int { 0 }

    init(type: EventType, filter: CompiledExpr?, assignments: [(cell: VariableCell, value: CompiledExpr)]) {
        self.inputs = [type]
        self.filter = filter
        self.assignments = assignments
        self.columns = assignments.map(\.cell.name)
    }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        statement.context.event = event
        if let f = self.filter, !f(statement.context).isTrue { return }
        statement.eventsIn += 1
        var values: [Value] = []
        values.reserveCapacity(self.assignments.count)
        for a in self.assignments {
            a.cell.value = a.cell.type.coerce(a.value(statement.context))
            values.append(a.cell.value)
        }
        statement.emit([Row(columns: self.columns, values: values)], runtime: runtime)
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {}
}
