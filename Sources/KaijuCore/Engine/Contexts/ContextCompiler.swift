/// Compiles a ``ContextDeclaration`` against the runtime's types into ``ContextRules``.
enum ContextCompiler {
    static func compile(_ d: ContextDeclaration, env: CompileEnvironment) throws(PlanError) -> ContextRules {
        let context = EvalContext(placeholder: EngineEvent(type: EventType.event, timestamp: 0, body: .row([])))
        let kind: ContextRules.Kind
        var startAlias: String?
        var startType: EventType?
        switch d.kind {
        case .keyed(let streams, let terminatedBy):
            guard !streams.isEmpty else { throw PlanError(.invalid, "a keyed context needs a stream") }
            var compiled: [ContextRules.KeyedStream] = []
            for s in streams {
                let type = try self.type(s.type, env)
                var c = self.compiler(type, env)
                let filter = try s.filter.map { (f) throws(PlanError) in try c.compileCondition(f, clause: "a filter") }
                var keys: [CompiledExpr] = []
                for k in s.keys { keys.append(try c.compileRow(k, clause: "a context key")) }
                guard keys.count == streams[0].keys.count else {
                    throw PlanError(
                        .invalid,
                        "every stream of keyed context '\(d.name)' needs as many keys",
                        subject: d.name
                    )
                }
                compiled.append(ContextRules.KeyedStream(type: type, filter: filter, keys: keys))
            }
            var terminator: (ContextRules.Condition, [CompiledExpr])?
            if let t = terminatedBy {
                let condition = try self.condition(t, start: nil, env: env)
                guard case .filter(let type, _, _) = condition else {
                    throw PlanError(.invalid, "a keyed context is terminated by an event", subject: d.name)
                }
                // An event of a partitioned type ends its key's partition; one of another type ends them all.
                var keys: [CompiledExpr] = []
                if let own = streams.first(where: { s in env.types[s.type].map { type.isSubtype(of: $0) } ?? false }) {
                    var c = self.compiler(type, env)
                    for k in own.keys { keys.append(try c.compileRow(k, clause: "a context key")) }
                }
                terminator = (condition, keys)
            }
            kind = .keyed(compiled, terminator: terminator)
        case .category(let categories, let typeName, let filter):
            guard !categories.isEmpty else { throw PlanError(.invalid, "a category context needs a group") }
            let type = try self.type(typeName, env)
            var c = self.compiler(type, env)
            let f = try filter.map { (f) throws(PlanError) in try c.compileCondition(f, clause: "a filter") }
            var conditions: [CompiledExpr] = []
            for g in categories { conditions.append(try c.compileCondition(g.condition, clause: "a category")) }
            kind = .category(type: type, filter: f, conditions: conditions, labels: categories.map(\.label))
        case .nested:
            throw PlanError(.invalid, "a nested context is compiled level by level", subject: d.name)
        case .temporal(let start, let end, let overlapping):
            let s = try self.condition(start, start: nil, env: env)
            if case .filter(let t, _, let alias) = s {
                startAlias = alias
                startType = t
            }
            let e = try self.condition(end, start: startAlias.map { ($0, startType!) }, env: env)
            if case .now = e { throw PlanError(.invalid, "a context cannot end @now", subject: d.name) }
            kind = .temporal(start: s, end: e, overlapping: overlapping)
        }
        return ContextRules(
            name: d.name,
            kind: kind,
            context: context,
            tupleType: EventType.tuple("context", aliases: ["#candidate", startAlias ?? "#start"])
        )
    }

    /// A condition; an event filter reads the candidate unqualified and the starting event by its alias.
    private static func condition(
        _ c: ContextCondition,
        start: (alias: String, type: EventType)?,
        env: CompileEnvironment
    ) throws(PlanError) -> ContextRules.Condition {
        switch c {
        case .now: return .now
        case .after(let p): return .after(p.milliseconds)
        case .crontab(let schedule): return .crontab(schedule)
        case .filter(let typeName, let filter, let alias):
            let type = try self.type(typeName, env)
            var bindings = [StreamBinding(alias: alias ?? typeName, type: type, slot: 0)]
            if let start, start.alias != alias {
                bindings.append(StreamBinding(alias: start.alias, type: start.type, slot: 1))
            }
            var compiler = ExprCompiler(streams: bindings, tupled: true, defaultStream: 0)
            compiler.tables = env.tables
            compiler.variables = env.variables
            let test = try filter.map { (f) throws(PlanError) in
                try compiler.compileCondition(f, clause: "a context condition")
            }
            return .filter(type: type, test: test, alias: alias)
        case .pattern(let node):
            let context = EvalContext(placeholder: EngineEvent(type: EventType.event, timestamp: 0, body: .row([])))
            var pc = PatternCompiler(types: env.types, tables: env.tables)
            pc.variables = env.variables
            let program = try pc.compile(node.taggedRepeatsAsArrays())
            let tupleType = EventType.tuple("pattern", aliases: pc.bindings.map { $0.alias ?? "" })
            let (atoms, slots, limit) = (pc.atoms, pc.bindings.count, env.limits.maxPatternInstances)
            let tags = pc.bindings.compactMap { b in b.alias.flatMap { $0.hasPrefix("#") ? nil : ($0, b.slot) } }
            return .pattern(
                make: {
                    PatternEngine(
                        program: program,
                        atoms: atoms,
                        tupleType: tupleType,
                        slotCount: slots,
                        context: context,
                        maxInstances: limit
                    )
                },
                types: atoms.distinctTypes,
                tags: tags
            )
        }
    }

    private static func compiler(_ type: EventType, _ env: CompileEnvironment) -> ExprCompiler {
        var c = ExprCompiler(streamType: type, alias: nil)
        c.tables = env.tables
        c.variables = env.variables
        return c
    }

    private static func type(_ name: String, _ env: CompileEnvironment) throws(PlanError) -> EventType {
        guard let t = env.types[name] else {
            throw PlanError(.unknownType, "unknown event type '\(name)'", subject: name)
        }
        return t
    }
}
