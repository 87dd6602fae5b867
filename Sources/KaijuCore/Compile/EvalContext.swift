/// The state a compiled expression reads: the current event, the current group's aggregates, engine time.
///
/// One per statement, reused for every evaluation; never shared across threads.
final class EvalContext {
    /// The event being evaluated (stream 0).
    var event: EngineEvent
    /// The group whose aggregates `select`/`having` read.
    var group: GroupState?
    /// Engine time in ms.
    var now: Int64 = 0

    init(placeholder: EngineEvent) {
        self.event = placeholder
    }
}

/// A compiled expression: a closure evaluated against an ``EvalContext``.
typealias CompiledExpr = (EvalContext) -> Value
