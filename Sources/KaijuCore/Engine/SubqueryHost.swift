/// Compiles a statement's subqueries. Each subquery's stream and windows run as a companion statement,
/// added just before the statement (so it has seen an event before the statement evaluates it); the
/// subquery reads that window's events when evaluated: its `where` (which may read the enclosing
/// statement's streams), then its select item, aggregated over the rows when it aggregates.
/// - Complexity: an evaluation visits every event of the subquery's window.
final class SubqueryHost {
    private var env: CompileEnvironment
    let owner: String
    /// The statements holding the subqueries' windows, in order.
    private(set) var companions: [Statement] = []

    init(env: CompileEnvironment, owner: String) {
        self.env = env
        self.owner = owner
    }

    /// The compiled subquery `s` of an expression that `outer` compiles.
    func compile(_ s: Subquery, outer: inout ExprCompiler) throws(PlanError) -> CompiledExpr {
        let plan = s.plan
        guard plan.streams.count == 1, case .type = plan.streams[0].input, plan.groupBy.isEmpty, plan.having == nil,
            plan.insertInto == nil, plan.output == nil, plan.orderBy.isEmpty, plan.limit == nil, plan.select.count == 1
        else {
            throw PlanError(
                .invalid,
                "a subquery selects one item from one typed stream, with an optional where: \(s)"
            )
        }
        // What the subquery reads: a table's rows, or the events a companion statement's windows hold.
        let type: EventType
        let contents: () -> [EngineEvent]
        if case .type(let name, let filter) = plan.streams[0].input, let table = self.env.tables[name] {
            guard filter == nil, plan.streams[0].windows.isEmpty else {
                throw PlanError(.invalid, "a subquery over table '\(name)' takes no filter or window: \(s)")
            }
            type = table.type
            contents = { table.sortedRows }
        } else if case .type(let name, nil) = plan.streams[0].input, plan.streams[0].windows.isEmpty,
            let holder = self.env.namedWindows[name], let windowType = holder.front.inputs.first
        {
            type = windowType  // a named window: the events it holds now
            contents = { holder.front.contents }
        } else {
            let holderContext = EvalContext(placeholder: outer.placeholderEvent)
            holderContext.now = self.env.now
            let (front, _, _) = try FrontCompiler.compile(
                plan.streams,
                where: nil,
                context: holderContext,
                env: &self.env
            )
            let holder = Statement(
                name: "\(self.owner)#subquery\(self.companions.count + 1)",
                source: .select(plan),
                context: holderContext,
                front: front,
                processor: nil,
                limiter: OutputLimiter(nil),
                insertTarget: nil
            )
            self.companions.append(holder)
            type = front.inputs[0]
            contents = { front.contents }
        }

        // The subquery's expressions read a tuple: its event, then the enclosing statement's events.
        let alias = plan.streams[0].alias ?? type.name
        let outerSlots = outer.tupled ? (outer.streams.map(\.slot).max() ?? 0) + 1 : 1
        var bindings = [StreamBinding(alias: alias, type: type, slot: 0)]
        for b in outer.streams {
            bindings.append(StreamBinding(alias: b.alias ?? b.type.name, type: b.type, slot: b.slot + 1))
        }
        var inner = ExprCompiler(streams: bindings, tupled: true, defaultStream: 0)
        inner.tables = outer.tables
        inner.variables = outer.variables
        let tupleType = EventType.tuple("subquery", aliases: bindings.map { $0.alias ?? "" })
        let whereClause = try plan.whereClause.map { (w) throws(PlanError) in
            try inner.compileRow(w, clause: "a subquery's where")
        }
        let select: CompiledExpr
        switch plan.select[0] {
        case .wildcard: select = { ctx in ctx.event.part(0)?.value ?? .null }
        case .expression(let e, _): select = try inner.compile(e)
        }
        let calls = inner.aggregates
        let recipes = calls.map(Aggregator.Recipe.init)
        var inputs: [CompiledExpr] = []
        var filters: [CompiledExpr?] = []
        for call in calls {
            inputs.append(try AggregateInputs.input(of: call, compiler: &inner) ?? { _ in .bool(true) })
            filters.append(
                try call.filter.map { (f) throws(PlanError) in try inner.compileRow(f, clause: "an aggregate filter") }
            )
        }
        let operand = try s.form.operand.map { (e) throws(PlanError) in try outer.compile(e) }
        let outerTupled = outer.tupled
        let context = EvalContext(placeholder: outer.placeholderEvent)
        let form = s.form

        /// The tuples of the window's events that pass `where`, for the enclosing event of `ctx`.
        func matching(_ ctx: EvalContext) -> [EngineEvent] {
            var parts: [EngineEvent?] = [nil]
            for slot in 0..<outerSlots { parts.append(outerTupled ? ctx.event.part(slot) : ctx.event) }
            context.now = ctx.now
            var out: [EngineEvent] = []
            for e in contents() {
                parts[0] = e
                let t = EngineEvent(type: tupleType, timestamp: ctx.now, body: .tuple(parts))
                context.event = t
                if let w = whereClause, !w(context).isTrue { continue }
                out.append(t)
            }
            return out
        }

        /// The select item's value over `rows`: aggregated over all of them, or of the only one.
        func value(_ rows: [EngineEvent]) -> Value {
            if calls.isEmpty {
                guard rows.count == 1 else { return .null }
                context.event = rows[0]
                return select(context)
            }
            let group = GroupState(key: .null, aggregates: recipes)
            for (seq, row) in rows.enumerated() {
                context.event = row
                for i in calls.indices {
                    if let f = filters[i], !f(context).isTrue { continue }
                    group.aggregators[i].enter(inputs[i](context), seq: Int64(seq))
                }
            }
            context.group = group
            defer { context.group = nil }
            if let last = rows.last { context.event = last }
            return select(context)
        }

        switch form {
        case .value:
            return { ctx in value(matching(ctx)) }
        case .exists:
            return { ctx in .bool(!matching(ctx).isEmpty) }
        case .rows:
            return { ctx in
                let rows = matching(ctx)
                if rows.isEmpty { return .null }
                return .array(
                    rows.map { row in
                        context.event = row
                        return select(context)
                    }
                )
            }
        case .in(_, let negated):
            guard let operand else { return { _ in .null } }
            return { ctx in
                let x = operand(ctx)
                if x.isNull { return .null }
                var sawNull = false
                for row in matching(ctx) {
                    context.event = row
                    switch Value.compare(.equal, x, select(context)) {
                    case .bool(true): return .bool(!negated)
                    case .null: sawNull = true
                    default: continue
                    }
                }
                return sawNull ? .null : .bool(negated)
            }
        case .any(let op, _), .all(let op, _):
            guard let operand else { return { _ in .null } }
            let every: Bool
            if case .all = form { every = true } else { every = false }
            return { ctx in
                let x = operand(ctx)
                var sawNull = false
                for row in matching(ctx) {
                    context.event = row
                    switch Value.compare(op, x, select(context)) {
                    case .bool(let b) where b != every: return .bool(b)
                    case .bool: continue
                    default: sawNull = true
                    }
                }
                return sawNull ? .null : .bool(every)
            }
        }
    }
}
