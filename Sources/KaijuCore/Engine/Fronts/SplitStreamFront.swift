/// `on Trigger insert into A select ... where ... insert into B ...`: each triggering event goes to the
/// first branch whose condition holds (or to every one, `output all`); a branch is a statement over
/// the trigger's type that selects from the event and inserts the row into its stream.
final class SplitStreamFront: StatementFront {
    /// One `insert into ... select ... [where ...]`.
    struct Branch {
        let condition: CompiledExpr?
        /// Selects from the event and inserts into the branch's stream (started with the split statement).
        let statement: Statement
    }

    let inputs: [EventType]
    let filter: CompiledExpr?
    let branches: [Branch]
    /// Whether every branch that applies inserts, not only the first.
    let all: Bool

    init(type: EventType, filter: CompiledExpr?, branches: [Branch], all: Bool) {
        self.inputs = [type]
        self.filter = filter
        self.branches = branches
        self.all = all
    }

    func start(_ statement: Statement, runtime: Runtime) {
        for b in self.branches { b.statement.start(runtime: runtime) }
    }

    func stop() {
        for b in self.branches { b.statement.stop() }
    }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {
        statement.context.event = event
        if let f = self.filter, !f(statement.context).isTrue { return }
        statement.eventsIn += 1
        for b in self.branches {
            if let c = b.condition {
                statement.context.event = event
                guard c(statement.context).isTrue else { continue }
            }
            b.statement.receive(event, input: 0, runtime: runtime)
            if !self.all { return }
        }
    }

    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {}

    var contents: [EngineEvent] { [] }
    var evictions: Int { 0 }
}
