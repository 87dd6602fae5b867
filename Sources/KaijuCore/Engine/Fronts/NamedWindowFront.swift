/// A statement reading a named window (`select ... from W`, W created by `create window`): it gets the
/// window's changes — the events inserted and the events it removed, as one update — from the statement
/// holding the window, instead of W's events directly.
final class NamedWindowFront: StatementFront {
    let type: EventType
    let filter: CompiledExpr?
    let context: EvalContext
    /// The window's name.
    let window: String
    @exclusivity(unchecked) private var entered: [WindowEntry] = []
    @exclusivity(unchecked) private var left: [WindowEntry] = []

    init(type: EventType, window: String, filter: CompiledExpr?, context: EvalContext) {
        self.type = type
        self.window = window
        self.filter = filter
        self.context = context
    }

    /// Nothing routed directly: the window's holder hands over its changes.
    var inputs: [EventType] { [] }
    var streamFilter: CompiledExpr? { self.filter }
    var contents: [EngineEvent] { [] }
    var evictions: Int { 0 }

    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime) {}
    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime) {}

    /// The window's update: `new` entered, `old` left; those passing the filter reach the statement.
    func windowChanged(new: [WindowEntry], old: [WindowEntry], statement: Statement, runtime: Runtime) {
        statement.context.now = runtime.now
        self.entered.clear()
        self.left.clear()
        for e in new where self.passes(e) { self.entered.append(e) }
        for e in old where self.passes(e) { self.left.append(e) }
        guard !self.entered.isEmpty || !self.left.isEmpty else { return }
        statement.eventsIn += self.entered.count
        statement.update(new: self.entered, old: self.left, runtime: runtime)
    }

    private func passes(_ e: WindowEntry) -> Bool {
        guard let f = self.filter else { return true }
        self.context.event = e.event
        return f(self.context).isTrue
    }
}
