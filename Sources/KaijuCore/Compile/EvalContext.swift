/// The state a compiled expression reads: the current event, the current group's aggregates, engine time.
///
/// One per statement, reused for every evaluation; never shared across threads.
final class EvalContext {
    /// The event being evaluated: the stream's event, or a tuple of one event per stream.
    var event: EngineEvent
    /// The group whose aggregates `select`/`having` read.
    var group: GroupState?
    /// Engine time in ms.
    var now: Int64 = 0
    /// Lambda parameters of enumeration methods, innermost last.
    var locals: [Value] = []

    init(placeholder: EngineEvent) {
        self.event = placeholder
    }
}

/// A compiled expression: a closure evaluated against an ``EvalContext``.
typealias CompiledExpr = (EvalContext) -> Value
