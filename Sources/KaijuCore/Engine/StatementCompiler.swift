/// What a statement compiles against: the runtime's types, tables and limits.
struct CompileEnvironment {
    var types: TypeRegistry
    let tables: [String: Table]
    let limits: RuntimeLimits
    /// The engine time the statement starts at (`#firsttime` counts from it).
    var now: Int64 = 0
    /// Whether output-neutral optimisations apply (off only to compare against the plain engine).
    var optimises = true
    /// Statements the compiled one needs added before it (its subqueries' windows).
    var companions: [Statement] = []
    /// The runtime's variables.
    var variables: [String: VariableCell] = [:]
    /// The statements holding named windows, by window name.
    var namedWindows: [String: Statement] = [:]
}

/// Compiles a ``StatementPlan`` against a runtime's types into a running ``Statement``.
enum StatementCompiler {
    static func compile(
        _ plan: StatementPlan,
        name: String,
        env: inout CompileEnvironment
    ) throws(PlanError) -> Statement {
        let context = EvalContext(placeholder: EngineEvent(type: EventType.event, timestamp: 0, body: .row([])))
        context.now = env.now
        var (front, compiler, wildcard) = try FrontCompiler.compile(
            plan.streams,
            where: plan.whereClause,
            context: context,
            env: &env
        )
        let subqueries = SubqueryHost(env: env, owner: name)
        compiler.subqueries = subqueries
        defer { env.companions += subqueries.companions }

        let whereClause = try plan.whereClause.map { (w) throws(PlanError) in
            try compiler.compileCondition(w, clause: "where")
        }
        var groupBy: [CompiledExpr] = []
        for g in plan.groupBy { groupBy.append(try compiler.compileRow(g, clause: "group by")) }

        // Variables (and `context.*`) the statement reads are constants for its shape, unless a stream has
        // a property of that name.
        let constants = Set(
            env.variables.keys.filter { name in
                (try? compiler.resolve(stream: nil, path: [name], .property(stream: nil, path: [name]))) == nil
            }
        )
        // Select list; `*` of a multi-stream statement expands to one column per stream (or contained item).
        var items: [Projection.Item] = []
        var names: [String] = []
        var readsEvent = false
        var wildcardOnly = true
        for item in plan.select {
            if let alias = item.streamWildcardAlias {
                // `s.*`: one column per property of stream `s` (the statement's only stream: `*`).
                readsEvent = true
                wildcardOnly = false
                guard let binding = compiler.streams.first(where: { $0.alias == alias }) else {
                    throw PlanError(.unknownStream, "unknown stream '\(alias)' in \(alias).*", subject: alias)
                }
                for column in binding.type.columns {
                    items.append(.expression(try compiler.compile(.property(stream: alias, path: [column.name]))))
                    names.append(column.name)
                }
                continue
            }
            switch item {
            case .wildcard:
                readsEvent = true
                guard let expansion = wildcard else {
                    items.append(.wildcard)
                    continue
                }
                wildcardOnly = false
                for (e, n) in expansion {
                    items.append(.expression(try compiler.compile(e)))
                    names.append(n)
                }
            case .expression(let e, let n):
                items.append(.expression(try compiler.compile(e)))
                names.append(n)
                wildcardOnly = false
                readsEvent = readsEvent || e.readsEventOutsideAggregate(variables: constants)
            }
        }
        if let columns = plan.insertColumns {
            guard columns.count == names.count, !plan.select.contains(.wildcard) else {
                throw PlanError(
                    .invalid,
                    "insert into '\(plan.insertInto ?? "")' names \(columns.count) column(s), the select list has \(names.count)"
                )
            }
            names = columns
        }
        if Set(names).count != names.count {
            throw PlanError(.duplicate, "duplicate column name in select: \(names.joined(separator: ", "))")
        }
        let selectedNames = names
        // `order by` expressions that are not selected columns: hidden columns after the selected ones.
        var hidden = 0
        for (i, item) in plan.orderBy.enumerated()
        where RowOrdering.selectedColumn(item, plan, columns: names, wildcard: plan.select.contains(.wildcard)) == nil {
            items.append(.expression(try compiler.compile(item.expression)))
            names.append(RowOrdering.hiddenColumnName(i))
            wildcardOnly = false
            hidden += 1
        }
        let having = try plan.having.map { (h) throws(PlanError) in try compiler.compile(h) }
        let aggregates = compiler.aggregates
        var arguments: [CompiledExpr?] = []
        var filters: [CompiledExpr?] = []
        for a in aggregates {
            arguments.append(try AggregateInputs.input(of: a, compiler: &compiler))
            filters.append(
                try a.filter.map { (e) throws(PlanError) in try compiler.compileRow(e, clause: "an aggregate filter") }
            )
        }

        let shape: ResultProcessor.Shape
        if !plan.groupBy.isEmpty {
            // A select item reading the event outside the group-by expressions: a row per event (Esper's
            // "aggregated grouped"); else a row per group.
            let ungroupedRead = plan.select.contains { item in
                guard case .expression(let e, _) = item else { return true }
                return e.readsOutside(groupBy: plan.groupBy)
            }
            shape = ungroupedRead ? .rowPerGroupedEvent : .rowPerGroup
        } else if aggregates.isEmpty {
            shape = .plain
        } else {
            shape = readsEvent ? .rowPerEvent : .rowForAll
        }
        if plan.outputStreams != .insert, let selection = plan.output?.selection, selection != .all {
            throw PlanError(
                .invalid,
                "'\(plan.outputStreams == .remove ? "rstream" : "irstream")' with 'output \(selection.rawValue)' is not supported (use output all)"
            )
        }
        let releasesEveryGroup = !plan.groupBy.isEmpty && plan.output?.selection == .all && plan.output?.trigger != nil
        let processor = ResultProcessor(
            shape: shape,
            context: context,
            whereClause: whereClause,
            groupBy: groupBy,
            having: having,
            aggregates: aggregates,
            aggregateArguments: arguments,
            aggregateFilters: filters,
            projection: Projection(items: items, names: names, isWildcardOnly: wildcardOnly && !items.isEmpty),
            retiresEmptyGroups: plan.streams.contains { !$0.windows.isEmpty },
            defersProjection: env.optimises && plan.output?.selection == .last
                && !plan.select.contains { $0.readsTables },
            maxGroups: env.limits.maxGroups,
            outputStreams: plan.outputStreams,
            // Grouped `output all` releases every group ever seen, empty ones included (as Esper does).
            keepsEmptyGroups: releasesEveryGroup,
            keepsCreationOrder: releasesEveryGroup || plan.output?.selection == .snapshot,
            aggregatesEachUpdateAlone: plan.streams.count > 1 && plan.streams.contains { $0.unidirectional }
        )

        let limiter = try Self.limiter(plan, shape: shape, context: context, variables: env.variables)
        var tableSink: TableSink?
        if let name = plan.intoTable {
            guard let table = env.tables[name] else {
                throw PlanError(.unknownTable, "unknown table '\(name)' in into table", subject: name)
            }
            guard plan.groupBy.count == table.keyIndices.count else {
                throw PlanError(
                    .invalid,
                    "into table '\(name)' groups by \(plan.groupBy.count) expression(s); the table has \(table.keyIndices.count) key column(s)",
                    subject: name
                )
            }
            tableSink = TableSink(table)
        }
        if let sets = plan.groupingSets {
            processor.levels = try Self.levels(plan, sets: sets, name: name, env: env)
        }

        var target: InsertTarget?
        if let into = plan.insertInto {
            if let t = env.types[into] {
                if t.representation == .row, !plan.select.contains(.wildcard),
                    let unknown = selectedNames.first(where: { t.column($0) == nil })
                {
                    // Esper refuses a column the stream's type does not have.
                    throw PlanError(
                        .unknownProperty,
                        "insert into '\(into)': it has no column '\(unknown)' (it has: \(t.columns.map(\.name).joined(separator: ", ")))",
                        subject: unknown
                    )
                }
                target = InsertTarget(type: t)
            } else if plan.select == [.wildcard], plan.streams.count == 1,
                case .type(let source, _) = plan.streams[0].input,
                let t = env.types[source], t.representation == .row
            {
                // Esper creates the stream's type: for `select *` from one declared stream, with its columns...
                target = InsertTarget(type: try env.types.declare(SchemaDeclaration(into, columns: t.columns)))
            } else {
                // ...else from the select list (`*` of one declared stream: its columns, in place).
                var columns: [Column] = []
                var nameIndex = 0
                for item in plan.select {
                    guard case .wildcard = item else {
                        columns.append(Column(selectedNames[nameIndex], .any))
                        nameIndex += 1
                        continue
                    }
                    guard plan.streams.count == 1, case .type(let source, _) = plan.streams[0].input,
                        let t = env.types[source], t.representation == .row
                    else {
                        throw PlanError(
                            .invalid,
                            "insert into '\(into)' with select *: declare '\(into)' first (create schema)",
                            subject: into
                        )
                    }
                    columns += t.columns
                }
                target = InsertTarget(type: try env.types.declare(SchemaDeclaration(into, columns: columns)))
            }
        }
        let statement = Statement(
            name: name,
            source: .select(plan),
            context: context,
            front: front,
            processor: processor,
            limiter: limiter,
            insertTarget: target,
            outputStreams: plan.outputStreams,
            distinct: plan.distinct
        ).ordered(
            by: RowOrdering(plan, columns: selectedNames, wildcard: plan.select.contains(.wildcard), hidden: hidden)
        )
        statement.tableSink = tableSink
        return statement
    }

    /// The processors of `rollup`/`cube`/`grouping sets` levels: each groups by its subset of the group-by
    /// expressions and reads the others as null.
    static func levels(
        _ plan: StatementPlan,
        sets: [[Int]],
        name: String,
        env: CompileEnvironment
    ) throws(PlanError) -> [ResultProcessor] {
        guard !sets.isEmpty, sets.allSatisfy({ $0.allSatisfy(plan.groupBy.indices.contains) }) else {
            throw PlanError(.invalid, "grouping sets must name group-by expressions")
        }
        var levels: [ResultProcessor] = []
        for set in sets {
            let dropped = plan.groupBy.indices.filter { !set.contains($0) }.map { plan.groupBy[$0] }
            func nullify(_ e: ExprNode) -> ExprNode { e.rewritten { dropped.contains($0) ? .literal(.null) : nil } }
            var level = plan
            level.groupingSets = nil
            level.groupBy = set.map { plan.groupBy[$0] }
            level.select = plan.select.map { item in
                guard case .expression(let e, let n) = item else { return item }
                return .expression(nullify(e), name: n)
            }
            level.having = plan.having.map(nullify)
            level.output = nil
            level.insertInto = nil
            level.orderBy = []
            level.limit = nil
            var levelEnv = env
            guard let p = try Self.compile(level, name: name, env: &levelEnv).processor else {
                throw PlanError(.invalid, "a grouping set has nothing to aggregate")
            }
            levels.append(p)
        }
        return levels
    }

    /// The output limiter of `plan` (`output ...`), its counts and periods checked, `output when`'s
    /// condition compiled.
    static func limiter(
        _ plan: StatementPlan,
        shape: ResultProcessor.Shape,
        context: EvalContext,
        variables: [String: VariableCell] = [:]
    ) throws(PlanError) -> OutputLimiter {
        guard let output = plan.output else { return OutputLimiter(nil) }
        switch output.trigger {
        case .events(let n)? where n <= 0: throw PlanError(.invalid, "output every n events needs n > 0")
        case .time(let p)? where p.milliseconds <= 0: throw PlanError(.invalid, "output period must be positive")
        default: break
        }
        switch output.after {
        case .events(let n)? where n < 0: throw PlanError(.invalid, "output after n events needs n >= 0")
        case .time(let p)? where p.milliseconds < 0: throw PlanError(.invalid, "output after a negative period")
        default: break
        }
        var condition: (CompiledExpr, EvalContext)?
        if case .when(let expr)? = output.trigger {
            var compiler = ExprCompiler(streamType: OutputLimiter.conditionType, alias: nil)
            compiler.variables = variables
            let conditionContext = EvalContext(placeholder: context.event)
            condition = (try compiler.compileRow(expr, clause: "an output condition"), conditionContext)
        }
        return OutputLimiter(
            output,
            grouped: shape == .rowPerGroup || shape == .rowPerGroupedEvent,
            aggregatesAll: shape == .rowForAll,
            condition: condition
        )
    }

    /// Makes windows of `spec` (each call a fresh one), its expressions compiled once with `compiler`.
    static func windowFactory(
        _ spec: WindowSpec,
        compiler: inout ExprCompiler,
        context: EvalContext
    ) throws(PlanError) -> () -> DataWindow {
        func compiled(_ exprs: [ExprNode]) throws(PlanError) -> [CompiledExpr] {
            var out: [CompiledExpr] = []
            for e in exprs { out.append(try compiler.compileRow(e, clause: "a window expression")) }
            return out
        }
        func order(_ items: [StatementPlan.OrderItem]) throws(PlanError) -> EntryOrder {
            guard !items.isEmpty else { throw PlanError(.invalid, "a sorted window needs a sort expression") }
            return EntryOrder(
                keys: try compiled(items.map(\.expression)),
                descending: items.map(\.descending),
                context: context
            )
        }
        switch spec {
        case .unique(let exprs), .firstUnique(let exprs):
            guard !exprs.isEmpty else { throw PlanError(.invalid, "#unique needs at least one key expression") }
            let keys = try compiled(exprs)
            return { DataWindow.make(spec, keys: keys, context: context) }
        case .sort(let n, let items):
            guard n > 0 else { throw PlanError(.invalid, "window size must be positive") }
            let o = try order(items)
            return { SortedWindow(size: n, order: o, uniqueKeys: nil, context: context) }
        case .rank(let unique, let n, let items):
            guard n > 0, !unique.isEmpty else {
                throw PlanError(.invalid, "#rank needs unique keys and a positive size")
            }
            let keys = try compiled(unique)
            let o = try order(items)
            return { SortedWindow(size: n, order: o, uniqueKeys: keys, context: context) }
        case .externallyTimed(let ts, let p):
            guard p.milliseconds > 0 else { throw PlanError(.invalid, "window period must be positive") }
            let t = try compiler.compileRow(ts, clause: "a window expression")
            return { ExternallyTimedWindow(timestamp: t, period: p.milliseconds, context: context) }
        case .timeAccumulating(let p):
            guard p.milliseconds > 0 else { throw PlanError(.invalid, "window period must be positive") }
            return { TimeAccumulatingWindow(period: p.milliseconds) }
        case .expression(let condition):
            guard let stream = compiler.streams.first, compiler.streams.count == 1 else {
                throw PlanError(.invalid, "#expr is supported on single streams")
            }
            let tupleType = EventType.tuple("expr", aliases: [stream.alias ?? "", "#facts"])
            var own = ExprCompiler(
                streams: [
                    StreamBinding(alias: stream.alias, type: stream.type, slot: 0),
                    StreamBinding(alias: "#facts", type: ExpressionWindow.facts, slot: 1),
                ],
                tupled: true,
                defaultStream: 0
            )
            own.tables = compiler.tables
            own.variables = compiler.variables
            let c = try own.compileRow(condition, clause: "an expression window")
            return { ExpressionWindow(condition: c, tupleType: tupleType, context: context) }
        case .groupWin:
            throw PlanError(.invalid, "#groupwin must be followed by the window it groups")
        default:
            return { DataWindow.make(spec, keys: [], context: context) }
        }
    }

    /// Builds the window stage of stream `index`; `#unique` keys compile with `compiler`.
    static func stage(
        _ index: Int,
        _ windows: [WindowSpec],
        compiler: inout ExprCompiler,
        context: EvalContext,
        limits: RuntimeLimits
    ) throws(PlanError) -> WindowStage {
        var chainWindows: [DataWindow] = []
        var batch: BatchWindow?
        for spec in windows {
            switch spec {
            case .time(let p), .timeBatch(let p), .timeBatchFlagged(let p, _, _):
                guard p.milliseconds > 0 else { throw PlanError(.invalid, "window period must be positive") }
            case .firstTime(let p):
                guard p.milliseconds > 0 else { throw PlanError(.invalid, "window period must be positive") }
            case .length(let n), .lengthBatch(let n), .firstLength(let n):
                guard n > 0 else { throw PlanError(.invalid, "window size must be positive") }
                guard n <= limits.maxWindowEvents else {
                    throw PlanError(.limit, "window size \(n) exceeds the limit of \(limits.maxWindowEvents) events")
                }
            default: break
            }
            if spec.isBatch {
                guard windows.count == 1 else {
                    throw PlanError(.invalid, "a batch window cannot be combined with other windows")
                }
                switch spec {
                case .timeBatch(let p): batch = BatchWindow(kind: .time(p.milliseconds), limit: limits.maxWindowEvents)
                case .timeBatchFlagged(let p, let force, let eager):
                    batch = BatchWindow(
                        kind: .time(p.milliseconds),
                        limit: limits.maxWindowEvents,
                        forceUpdate: force,
                        startingAt: eager ? context.now : nil
                    )
                case .lengthBatch(let n): batch = BatchWindow(kind: .length(n), limit: limits.maxWindowEvents)
                default: break
                }
                continue
            }
            if case .groupWin(let exprs) = spec {
                // `#groupwin(keys)` applies to the window after it: that window, one per key.
                let rest = windows[(windows.firstIndex(of: spec) ?? 0)...].dropFirst()
                guard rest.count <= 1, !(rest.first?.isBatch ?? false) else {
                    throw PlanError(.invalid, "#groupwin is supported followed by one data window (not a batch)")
                }
                guard !exprs.isEmpty else { throw PlanError(.invalid, "#groupwin needs at least one key expression") }
                var keys: [CompiledExpr] = []
                for k in exprs { keys.append(try compiler.compileRow(k, clause: "a window key")) }
                let child = try rest.first.map { (w) throws(PlanError) in
                    try Self.windowFactory(w, compiler: &compiler, context: context)
                }
                chainWindows.append(
                    GroupedWindow(keys: keys, context: context, maxGroups: limits.maxGroups) {
                        child?() ?? DataWindow()
                    }
                )
                break
            }
            chainWindows.append(try Self.windowFactory(spec, compiler: &compiler, context: context)())
        }
        let chain = chainWindows.isEmpty ? nil : WindowChain(windows: chainWindows, limit: limits.maxWindowEvents)
        return WindowStage(index: index, chain: chain, batch: batch)
    }
}

extension StatementPlan.SelectItem {
    /// Whether the item reads a table (whose contents change between a row's cause and its output).
    var readsTables: Bool {
        guard case .expression(let e, _) = self else { return false }
        var found = false
        e.visit { n in
            if case .tableGet = n { found = true }
        }
        return found
    }
}
