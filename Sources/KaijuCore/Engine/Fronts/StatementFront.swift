/// The part of a statement that turns arriving events into what enters and leaves its view: a typed
/// stream with windows, a pattern, a join, a contained-event selection, or a table trigger.
protocol StatementFront: AnyObject {
    /// The types the front reads, one per input.
    var inputs: [EventType] { get }
    /// Whether an event of several inputs' types arrives once (patterns) or once per input (self-joins).
    var deliversOncePerEvent: Bool { get }
    /// Called once when the statement is added.
    func start(_ statement: Statement, runtime: Runtime)
    func receive(_ event: EngineEvent, input: Int, statement: Statement, runtime: Runtime)
    func fire(_ kind: Statement.TimerKind, at: Int64, statement: Statement, runtime: Runtime)
    func stop()
    /// The events retained, oldest first.
    var contents: [EngineEvent] { get }
    /// Entries pushed out by size limits.
    var evictions: Int { get }
    /// Pattern instances refused by the instance limit.
    var droppedInstances: Int { get }
    /// Pattern waits currently live.
    var liveInstances: Int { get }
    /// The pattern matcher the front runs, if it runs one.
    var patternMatcher: (any PatternMatcher)? { get }
    /// The filter an event passes before it enters the front's windows (a typed stream's), if any.
    var streamFilter: CompiledExpr? { get }
}

extension StatementFront {
    var deliversOncePerEvent: Bool { true }
    func start(_ statement: Statement, runtime: Runtime) {}
    func stop() {}
    var droppedInstances: Int { 0 }
    var liveInstances: Int { 0 }
    var patternMatcher: (any PatternMatcher)? { nil }
    var streamFilter: CompiledExpr? { nil }
}
