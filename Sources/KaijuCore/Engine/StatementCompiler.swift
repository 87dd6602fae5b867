/// Compiles a ``StatementPlan`` against a runtime's types into a running ``Statement``.
enum StatementCompiler {
    static func compile(
        _ plan: StatementPlan, name: String, types: inout TypeRegistry, limits: RuntimeLimits
    ) throws(PlanError) -> Statement {
        guard let type = types[plan.source.typeName] else {
            throw PlanError("unknown event type '\(plan.source.typeName)'")
        }
        let placeholder = EngineEvent(type: type, timestamp: 0, body: .row([]))
        let context = EvalContext(placeholder: placeholder)
        var compiler = ExprCompiler(streamType: type, alias: plan.source.alias)

        let filter = try plan.source.filter.map { (f) throws(PlanError) in try compiler.compileRow(f, clause: "a filter") }
        let whereClause = try plan.whereClause.map { (w) throws(PlanError) in try compiler.compileRow(w, clause: "where") }
        var groupBy: [CompiledExpr] = []
        for g in plan.groupBy { groupBy.append(try compiler.compileRow(g, clause: "group by")) }

        // Windows.
        var chainWindows: [DataWindow] = []
        var batch: BatchWindow?
        for spec in plan.windows {
            switch spec {
            case .time(let p), .timeBatch(let p):
                guard p.milliseconds > 0 else { throw PlanError("window period must be positive") }
            case .length(let n), .lengthBatch(let n):
                guard n > 0 else { throw PlanError("window size must be positive") }
                guard n <= limits.maxWindowEvents else {
                    throw PlanError("window size \(n) exceeds the limit of \(limits.maxWindowEvents) events")
                }
            default: break
            }
            if spec.isBatch {
                guard plan.windows.count == 1 else {
                    throw PlanError("a batch window cannot be combined with other windows")
                }
                switch spec {
                case .timeBatch(let p): batch = BatchWindow(kind: .time(p.milliseconds), limit: limits.maxWindowEvents)
                case .lengthBatch(let n): batch = BatchWindow(kind: .length(n), limit: limits.maxWindowEvents)
                default: break
                }
                continue
            }
            var keys: [CompiledExpr] = []
            if case .unique(let exprs) = spec {
                guard !exprs.isEmpty else { throw PlanError("#unique needs at least one key expression") }
                for k in exprs { keys.append(try compiler.compileRow(k, clause: "a window key")) }
            }
            chainWindows.append(DataWindow.make(spec, keys: keys, context: context))
        }
        let chain = chainWindows.isEmpty ? nil : WindowChain(windows: chainWindows, limit: limits.maxWindowEvents)

        // Select list.
        var items: [Projection.Item] = []
        var names: [String] = []
        var readsEvent = false
        var wildcardOnly = true
        for item in plan.select {
            switch item {
            case .wildcard:
                items.append(.wildcard)
                readsEvent = true
            case .expression(let e, let n):
                items.append(.expression(try compiler.compile(e)))
                names.append(n)
                wildcardOnly = false
                readsEvent = readsEvent || e.readsEventOutsideAggregate
            }
        }
        if Set(names).count != names.count {
            throw PlanError("duplicate column name in select: \(names.joined(separator: ", "))")
        }
        let having = try plan.having.map { (h) throws(PlanError) in try compiler.compile(h) }
        let aggregates = compiler.aggregates
        var arguments: [CompiledExpr?] = []
        for a in aggregates {
            arguments.append(try a.argument.map { (e) throws(PlanError) in try compiler.compileRow(e, clause: "an aggregate") })
        }

        let shape: ResultProcessor.Shape
        if !plan.groupBy.isEmpty {
            shape = .rowPerGroup
        } else if aggregates.isEmpty {
            if plan.having != nil { throw PlanError("having without aggregates or group by; use where") }
            shape = .plain
        } else {
            shape = readsEvent ? .rowPerEvent : .rowForAll
        }
        let processor = ResultProcessor(
            shape: shape, context: context, whereClause: whereClause, groupBy: groupBy, having: having,
            aggregates: aggregates, aggregateArguments: arguments,
            projection: Projection(items: items, names: names, isWildcardOnly: wildcardOnly && !items.isEmpty),
            retiresEmptyGroups: !plan.windows.isEmpty, maxGroups: limits.maxGroups
        )

        if case .events(let n)? = plan.output?.trigger, n <= 0 { throw PlanError("output every n events needs n > 0") }
        if case .time(let p)? = plan.output?.trigger, p.milliseconds <= 0 { throw PlanError("output period must be positive") }

        var target: InsertTarget?
        if let into = plan.insertInto {
            if let t = types[into] {
                target = InsertTarget(type: t)
            } else {
                // Esper creates the stream's type from the select list.
                guard !plan.select.contains(.wildcard) else {
                    throw PlanError("insert into '\(into)' with select *: declare '\(into)' first (create schema)")
                }
                target = InsertTarget(type: try types.declare(SchemaDeclaration(into, columns: names.map { Column($0, .any) })))
            }
        }
        return Statement(
            name: name, plan: plan, type: type, context: context, filter: filter, chain: chain, batch: batch,
            processor: processor, limiter: OutputLimiter(plan.output), insertTarget: target
        )
    }
}
