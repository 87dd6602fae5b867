/// Compiles a statement's `from` clause into its front, and the expression compiler its other clauses use.
enum FrontCompiler {
    /// The front, the compiler for `where`/`select`/`group by`, and what `*` expands to (`nil`: the
    /// single stream's own properties).
    typealias Compiled = (front: any StatementFront, compiler: ExprCompiler, wildcard: [(ExprNode, String)]?)

    static func compile(
        _ streams: [StreamSpec],
        where whereClause: ExprNode?,
        context: EvalContext,
        env: inout CompileEnvironment
    ) throws(PlanError) -> Compiled {
        guard let first = streams.first else {
            throw PlanError(.invalid, "a statement needs a stream in its from clause")
        }
        if streams.count > 1 { return try self.join(streams, where: whereClause, context: context, env: env) }
        switch first.input {
        case .type(let name, let filter):
            let type = try self.type(name, env)
            var compiler = ExprCompiler(streamType: type, alias: first.alias)
            compiler.tables = env.tables
            compiler.variables = env.variables
            let f = try filter.map { (f) throws(PlanError) in try compiler.compileCondition(f, clause: "a filter") }
            if let spec = first.matchRecognize {
                // The stream's rows are the matches' measures.
                let rules = try MatchRecognizeRules(spec, type: type, env: env, context: context)
                var measures = ExprCompiler(streamType: rules.matchType, alias: first.alias)
                measures.tables = env.tables
                measures.variables = env.variables
                let stage = try StatementCompiler.stage(
                    0,
                    first.windows,
                    compiler: &measures,
                    context: context,
                    limits: env.limits
                )
                return (MatchRecognizeFront(type: type, filter: f, stage: stage, rules: rules), measures, nil)
            }
            if env.namedWindows[name] != nil, first.windows.isEmpty {
                // A named window: its changes, inserted and removed events alike.
                return (NamedWindowFront(type: type, window: name, filter: f, context: context), compiler, nil)
            }
            let stage = try StatementCompiler.stage(
                0,
                first.windows,
                compiler: &compiler,
                context: context,
                limits: env.limits
            )
            compiler.windowAccess = WindowAccess(stage: stage)
            return (StreamFront(type: type, filter: f, stage: stage, expand: nil), compiler, nil)
        case .contained(let name, let filter, let selection):
            return try self.contained(name, filter, selection, first, context: context, env: env)
        case .pattern(let node):
            let (engine, pc, _) = try self.patternMatcher(node, context: context, env: env)
            let tags = pc.bindings.compactMap { b in b.alias?.hasPrefix("#") == false ? b.alias : nil }
            var compiler = ExprCompiler(streams: pc.bindings, tupled: true)
            compiler.tables = env.tables
            compiler.variables = env.variables
            let stage = try StatementCompiler.stage(
                0,
                first.windows,
                compiler: &compiler,
                context: context,
                limits: env.limits
            )
            return (
                PatternFront(engine: engine, stage: stage), compiler, tags.map { (.property(stream: $0, path: []), $0) }
            )
        }
    }

    /// The matcher of `node`, the compiler of its tags, and the type of its matches (one column per tag).
    static func patternMatcher(
        _ node: PatternNode,
        context: EvalContext,
        env: CompileEnvironment
    ) throws(PlanError) -> (any PatternMatcher, PatternCompiler, EventType) {
        var pc = PatternCompiler(types: env.types, tables: env.tables)
        pc.variables = env.variables
        let program = try pc.compile(node.taggedRepeatsAsArrays())
        let tupleType = EventType.tuple("pattern", aliases: pc.bindings.map { $0.alias ?? "" })
        let specialised =
            !env.optimises || pc.consumes
            ? nil
            : EveryFollowedByMatcher.make(
                program,
                compiler: pc,
                tupleType: tupleType,
                slotCount: pc.bindings.count,
                context: context,
                maxInstances: env.limits.maxPatternInstances
            )
        let engine: any PatternMatcher =
            specialised
            ?? PatternEngine(
                program: program,
                atoms: pc.atoms,
                tupleType: tupleType,
                slotCount: pc.bindings.count,
                context: context,
                maxInstances: env.limits.maxPatternInstances
            )
        return (engine, pc, tupleType)
    }

    private static func type(_ name: String, _ env: CompileEnvironment) throws(PlanError) -> EventType {
        guard let t = env.types[name] else {
            if env.tables[name] != nil {
                throw PlanError(
                    .invalid,
                    "'\(name)' is a table: read it with \(name)[key].column or an on-demand query",
                    subject: name
                )
            }
            throw PlanError(.unknownType, "unknown event type '\(name)'", subject: name)
        }
        return t
    }

    private static func contained(
        _ name: String,
        _ filter: ExprNode?,
        _ selection: ContainedSelection,
        _ stream: StreamSpec,
        context: EvalContext,
        env: CompileEnvironment
    ) throws(PlanError) -> Compiled {
        let parent = try self.type(name, env)
        let span: EventType
        if parent.representation == .batch, selection.property == "spans", let s = env.types["Span"] {
            span = s
        } else if parent.representation == .row, let column = parent.column(selection.property),
            let elementName = column.elementType, let element = env.types[elementName], element.representation == .row
        {
            span = element
        } else {
            throw PlanError(
                .invalid,
                "contained-event selection reads a list of events: Batch[... from spans], or a column declared as Type[] of a declared type; got \(name)[... from \(selection.property)]",
                subject: selection.property
            )
        }
        var parentCompiler = ExprCompiler(streamType: parent, alias: stream.alias)
        parentCompiler.tables = env.tables
        parentCompiler.variables = env.variables
        let f = try filter.map { (f) throws(PlanError) in try parentCompiler.compileCondition(f, clause: "a filter") }
        let bindings = [
            StreamBinding(alias: selection.alias, type: span, slot: 0),
            StreamBinding(alias: stream.alias ?? name, type: parent, slot: 1, qualifiedOnly: true),
        ]
        var compiler = ExprCompiler(streams: bindings, tupled: true, defaultStream: 0)
        compiler.tables = env.tables
        compiler.variables = env.variables
        var wildcard: [(ExprNode, String)] = []
        for item in selection.items {
            switch item {
            case .wildcard:
                wildcard += span.columns.map { (.property(stream: selection.alias, path: [$0.name]), $0.name) }
            case .expression(let e, let n):
                _ = try parentCompiler.compileRow(e, clause: "a contained selection")  // validates against the parent
                compiler.derived[n] = (1, e)
                wildcard.append((.property(stream: nil, path: [n]), n))
            }
        }
        let tupleType = EventType.tuple(
            "\(name)[\(selection.property)]",
            aliases: [selection.alias ?? "", stream.alias ?? name]
        )
        let stage = try StatementCompiler.stage(
            0,
            stream.windows,
            compiler: &compiler,
            context: context,
            limits: env.limits
        )
        let expand = ContainedExpansion(
            tupleType: tupleType,
            elementType: span,
            column: parent.representation == .row ? parent.columnIndex(selection.property) : nil
        )
        return (StreamFront(type: parent, filter: f, stage: stage, expand: expand), compiler, wildcard)
    }

    private static func join(
        _ streams: [StreamSpec],
        where whereClause: ExprNode?,
        context: EvalContext,
        env: CompileEnvironment
    ) throws(PlanError) -> Compiled {
        guard streams.count <= env.limits.maxJoinStreams else {
            throw PlanError(
                .limit,
                "a join of \(streams.count) streams, more than the limit of \(env.limits.maxJoinStreams)"
            )
        }
        var bindings: [StreamBinding] = []
        var filters: [CompiledExpr?] = []
        var stages: [WindowStage] = []
        var patterns: [Int: any PatternMatcher] = [:]
        var borrowed: Set<Int> = []
        for (i, s) in streams.enumerated() {
            if case .pattern(let node) = s.input {
                // A pattern stream: its matches (one column per tag) enter its windows.
                guard patterns.isEmpty else { throw PlanError(.invalid, "a join takes at most one pattern stream") }
                guard !s.windows.isEmpty || s.unidirectional else {
                    throw PlanError(
                        .invalid,
                        "each stream of a join needs a data window (the pattern stream has none; e.g. #lastevent)"
                    )
                }
                let (matcher, _, tupleType) = try self.patternMatcher(node, context: context, env: env)
                let alias = s.alias ?? "pattern"
                if bindings.contains(where: { $0.alias == alias }) {
                    throw PlanError(.duplicate, "two streams of the join are named '\(alias)'", subject: alias)
                }
                patterns[i] = matcher
                bindings.append(StreamBinding(alias: alias, type: tupleType, slot: i))
                filters.append(nil)
                var own = ExprCompiler(streamType: tupleType, alias: alias)
                own.tables = env.tables
                own.variables = env.variables
                stages.append(
                    try StatementCompiler.stage(i, s.windows, compiler: &own, context: context, limits: env.limits)
                )
                continue
            }
            guard case .type(let name, let filter) = s.input else {
                throw PlanError(
                    .invalid,
                    "a join takes typed streams and patterns (stream \(i + 1) is a contained selection)"
                )
            }
            let holder = s.windows.isEmpty ? env.namedWindows[name] : nil
            guard !s.windows.isEmpty || s.unidirectional || holder != nil else {
                throw PlanError(
                    .invalid,
                    "each stream of a join needs a data window (stream \(s.alias ?? name) has none; e.g. #lastevent)"
                )
            }
            let type = try self.type(name, env)
            let alias = s.alias ?? name
            if bindings.contains(where: { $0.alias == alias }) {
                throw PlanError(.duplicate, "two streams of the join are named '\(alias)'", subject: alias)
            }
            bindings.append(StreamBinding(alias: alias, type: type, slot: i))
            var own = ExprCompiler(streamType: type, alias: alias)
            own.tables = env.tables
            own.variables = env.variables
            filters.append(try filter.map { (f) throws(PlanError) in try own.compileCondition(f, clause: "a filter") })
            if let holderStage = (holder?.front as? StreamFront)?.stage {
                // A named window: the join reads the window's events where they are kept.
                stages.append(holderStage)
                borrowed.insert(i)
                continue
            }
            stages.append(
                try StatementCompiler.stage(i, s.windows, compiler: &own, context: context, limits: env.limits)
            )
        }
        var compiler = ExprCompiler(streams: bindings, tupled: true)
        compiler.tables = env.tables
        compiler.variables = env.variables
        let outer = streams.dropFirst().compactMap(\.outerJoin)
        let unidirectional = streams.indices.filter { streams[$0].unidirectional }
        guard outer.isEmpty || (streams.count == 2 && streams[0].outerJoin == nil && unidirectional.isEmpty) else {
            throw PlanError(.invalid, "outer joins are supported between two streams, without unidirectional")
        }
        guard unidirectional.count <= 1 else {
            throw PlanError(.invalid, "only one stream of a join can be unidirectional")
        }
        var preserved = [Bool](repeating: false, count: streams.count)
        var onFilter: CompiledExpr?
        if let join = outer.first {
            preserved = [join.kind != .right, join.kind != .left]
            onFilter = try compiler.compileRow(join.on, clause: "a join condition")
        }
        let front = try JoinPlanner(
            bindings: bindings,
            compiler: compiler,
            tables: env.tables,
            unindexed: borrowed
        ).front(
            filters: filters,
            stages: stages,
            context: context,
            whereClause: ExprNode.conjunction(outer.map(\.on) + (whereClause.map { [$0] } ?? []))
        )
        if !borrowed.isEmpty { front.borrowed = borrowed }
        front.preserved = preserved
        front.onFilter = onFilter
        if let (i, matcher) = patterns.first { front.feed(stream: i, from: matcher) }
        if let u = unidirectional.first { front.triggers = streams.indices.map { $0 == u } }
        return (front, compiler, bindings.map { (.property(stream: $0.alias, path: []), $0.alias!) })
    }
}
