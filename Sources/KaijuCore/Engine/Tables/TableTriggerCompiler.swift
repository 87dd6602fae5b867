/// Compiles `on ... merge` / `on ... delete` into a statement over its table.
enum TableTriggerCompiler {
    static func compile(_ plan: OnPlan, name: String, env: CompileEnvironment) throws(PlanError) -> Statement {
        guard case .type(let typeName, let filter) = plan.trigger.input else {
            throw PlanError("on-\(plan.action.keyword) is triggered by a typed stream")
        }
        guard let type = env.types[typeName] else { throw PlanError("unknown event type '\(typeName)'") }
        guard let table = env.tables[plan.table] else { throw PlanError("unknown table '\(plan.table)'") }
        let context = EvalContext(placeholder: EngineEvent(type: EventType.event, timestamp: 0, body: .row([])))
        let triggerAlias = plan.trigger.alias ?? typeName
        var own = ExprCompiler(streamType: type, alias: triggerAlias)
        own.tables = env.tables
        let f = try filter.map { (f) throws(PlanError) in try own.compileRow(f, clause: "a filter") }

        let bindings = [
            StreamBinding(alias: triggerAlias, type: type, slot: 0),
            StreamBinding(alias: plan.tableAlias ?? plan.table, type: table.type, slot: 1),
            StreamBinding(alias: "initial", type: table.type, slot: 2, qualifiedOnly: true),
        ]
        var compiler = ExprCompiler(streams: bindings, tupled: true)
        compiler.tables = env.tables
        let whereClause = try plan.whereClause.map { (w) throws(PlanError) in try compiler.compileRow(w, clause: "where") }
        let keyLookup = try self.keyLookup(plan.whereClause, table: table, compiler: &compiler)

        var clauses: [TableTriggerFront.Clause] = []
        switch plan.action {
        case .delete:
            clauses = [TableTriggerFront.Clause(matched: true, condition: nil, action: .delete)]
        case .merge(let merge):
            guard !merge.isEmpty else { throw PlanError("on-merge needs at least one when clause") }
            for c in merge {
                let condition = try c.condition.map { (e) throws(PlanError) in try compiler.compileRow(e, clause: "a when condition") }
                let action: TableTriggerFront.Clause.Action
                switch c.action {
                case .delete:
                    guard c.matched else { throw PlanError("'when not matched' cannot delete") }
                    action = .delete
                case .update(let assignments):
                    guard c.matched else { throw PlanError("'when not matched' cannot update; use insert") }
                    var out: [(Int, CompiledExpr)] = []
                    for a in assignments {
                        guard let i = table.type.columnIndex(a.column) else {
                            throw PlanError("unknown column '\(a.column)' of table '\(table.name)' in update set")
                        }
                        out.append((i, try compiler.compileRow(a.value, clause: "update set")))
                    }
                    action = .update(out)
                case .insert(let items):
                    guard !c.matched else { throw PlanError("'when matched' cannot insert; use update") }
                    var out: [(Int, CompiledExpr)] = []
                    for item in items {
                        guard case .expression(let e, let n) = item else {
                            throw PlanError("insert into table '\(table.name)' needs named values (expr as column)")
                        }
                        guard let i = table.type.columnIndex(n) else {
                            throw PlanError("unknown column '\(n)' of table '\(table.name)' in insert")
                        }
                        out.append((i, try compiler.compileRow(e, clause: "insert")))
                    }
                    action = .insert(out)
                }
                clauses.append(TableTriggerFront.Clause(matched: c.matched, condition: condition, action: action))
            }
        }
        let front = TableTriggerFront(
            type: type, filter: f, table: table, tupleType: EventType.tuple("on", aliases: bindings.map { $0.alias! }),
            context: context, keyLookup: keyLookup, whereClause: whereClause, clauses: clauses
        )
        return Statement(name: name, source: .on(plan), context: context, front: front, processor: nil, limiter: OutputLimiter(nil), insertTarget: nil)
    }

    /// Key expressions over the triggering event when `where` equates every primary key column with it.
    private static func keyLookup(_ whereClause: ExprNode?, table: Table, compiler: inout ExprCompiler) throws(PlanError) -> [CompiledExpr]? {
        var byColumn: [Int: ExprNode] = [:]
        for c in whereClause?.conjuncts ?? [] {
            guard case .binary(.equal, let l, let r) = c else { continue }
            for (col, other) in [(l, r), (r, l)] {
                guard case .property(let s, let path) = col,
                    case .stream(1, let rest)? = try? compiler.resolve(stream: s, path: path, col), rest.count == 1,
                    let ci = table.type.columnIndex(rest[0]), table.keyIndices.contains(ci),
                    compiler.streamsRead(by: other).isSubset(of: [0])
                else { continue }
                byColumn[ci] = other
            }
        }
        guard table.keyIndices.allSatisfy({ byColumn[$0] != nil }) else { return nil }
        var out: [CompiledExpr] = []
        for ci in table.keyIndices { out.append(try compiler.compileRow(byColumn[ci]!, clause: "where")) }
        return out
    }
}

extension OnPlan.Action {
    var keyword: String {
        switch self {
        case .merge: return "merge"
        case .delete: return "delete"
        }
    }
}
