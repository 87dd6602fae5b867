/// Compiles `on ... merge|update|delete` over a named window into a statement acting on the window's
/// events (an on-select over a window is a join; see ``OnPlan/asWindowJoin``).
enum WindowTriggerCompiler {
    static func compile(_ plan: OnPlan, name: String, env: inout CompileEnvironment) throws(PlanError) -> Statement {
        guard let holder = env.namedWindows[plan.table], let windowType = holder.front.inputs.first,
            let chain = (holder.front as? StreamFront)?.stage.chain
        else {
            throw PlanError(
                .invalid,
                "on-\(plan.action.keyword) acts on a named window with data windows (not a batch window)",
                subject: plan.table
            )
        }
        guard windowType.representation == .row else {
            throw PlanError(
                .invalid,
                "on-\(plan.action.keyword) changes named windows of declared columns ('\(plan.table)' holds \(windowType.name) events)",
                subject: plan.table
            )
        }
        let trigger = try OnTrigger(plan, rowType: windowType, env: env)
        var compiler = trigger.compiler
        var own = trigger.own
        // An index whose columns the `where` equates with the trigger: events are looked up through it.
        var lookup: (index: WindowHashIndex, keys: [CompiledExpr])?
        var rest = plan.whereClause
        for index in holder.windowIndexes {
            guard
                let found = try TableTriggerCompiler.keyLookup(
                    plan.whereClause,
                    columns: index.columns,
                    rowType: windowType,
                    compiler: &compiler,
                    own: &own
                )
            else { continue }
            lookup = (index, found.keys)
            rest = ExprNode.conjunction(found.rest)
            break
        }
        let whereClause = try rest.map { (w) throws(PlanError) in try compiler.compileRow(w, clause: "where") }
        let clauses: [TableTriggerFront.Clause]
        switch plan.action {
        case .select:
            throw PlanError(.invalid, "an on-select over a named window is compiled as a join")
        case .delete:
            clauses = [TableTriggerFront.Clause(matched: true, condition: nil, action: .delete)]
        case .merge(let merge):
            (clauses, _) = try TableTriggerCompiler.clauses(
                merge,
                rowType: windowType,
                keyIndices: [],
                kind: "named window",
                compiler: &compiler,
                types: &env.types
            )
        }
        let front = WindowTriggerFront(
            trigger: trigger,
            holder: holder,
            chain: chain,
            windowType: windowType,
            whereClause: whereClause,
            clauses: clauses,
            lookup: lookup
        )
        return Statement(
            name: name,
            source: .on(plan),
            context: trigger.context,
            front: front,
            processor: nil,
            limiter: OutputLimiter(nil),
            insertTarget: nil
        )
    }
}
