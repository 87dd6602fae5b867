/// The state a compiled expression reads: the current event, the current group's aggregates, engine time.
///
/// One per statement, reused for every evaluation; never shared across threads. Its fields skip
/// dynamic exclusivity checks: compiled expressions read them on every evaluation, and the engine
/// only sets them between evaluations.
final class EvalContext {
    /// The event being evaluated: the stream's event, or a tuple of one event per stream.
    @exclusivity(unchecked) var event: EngineEvent
    /// The group whose aggregates `select`/`having` read.
    @exclusivity(unchecked) var group: GroupState?
    /// Engine time in ms.
    @exclusivity(unchecked) var now: Int64 = 0
    /// Lambda parameters of enumeration methods, innermost last.
    @exclusivity(unchecked) var locals: [Value] = []

    init(placeholder: EngineEvent) {
        self.event = placeholder
    }
}

/// A compiled expression: a closure evaluated against an ``EvalContext``.
typealias CompiledExpr = (EvalContext) -> Value
