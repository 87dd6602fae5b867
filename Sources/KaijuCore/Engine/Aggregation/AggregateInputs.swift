/// What each aggregate is fed per event, compiled against the statement's streams.
enum AggregateInputs {
    /// The input of `call`: its argument (`nil` for `count(*)`: every event counts), the engine time for
    /// `rate`, `[key, event]` for `maxby`/`minby`/`sorted`, the event (or the named stream's) for `window`.
    static func input(of call: AggregateCall, compiler: inout ExprCompiler) throws(PlanError) -> CompiledExpr? {
        let argument = try call.argument.map { (e) throws(PlanError) in
            try compiler.compileRow(e, clause: "an aggregate")
        }
        switch call.kind {
        case .rate:
            return { ctx in .int(ctx.now) }
        case .window:
            return argument ?? { ctx in ctx.event.value }
        case .maxby, .minby, .sorted:
            guard let argument else {
                throw PlanError(.invalid, "\(call.kind.rawValue)() needs an argument: \(call)")
            }
            return { ctx in .array([argument(ctx), ctx.event.value]) }
        case .nth:
            guard argument != nil, let n = call.parameter, n >= 0, n < 1_000_000 else {
                throw PlanError(.invalid, "nth(expr, n) needs an expression and a constant n from 0 to 999999: \(call)")
            }
            return argument
        default:
            return argument
        }
    }
}
