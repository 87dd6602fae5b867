/// What every on-action compiles first: the triggering type and filter, and the compiler of tuples
/// `(trigger, row, initial row)` over rows of the target's type.
struct OnTrigger {
    let type: EventType
    let filter: CompiledExpr?
    let context: EvalContext
    let bindings: [StreamBinding]
    /// Compiles expressions over the tuple.
    let compiler: ExprCompiler
    /// Compiles expressions over the triggering event alone.
    let own: ExprCompiler

    init(_ plan: OnPlan, rowType: EventType, env: CompileEnvironment) throws(PlanError) {
        guard case .type(let typeName, let filter) = plan.trigger.input else {
            throw PlanError(.invalid, "on-\(plan.action.keyword) is triggered by a typed stream")
        }
        guard let type = env.types[typeName] else {
            throw PlanError(.unknownType, "unknown event type '\(typeName)'", subject: typeName)
        }
        let triggerAlias = plan.trigger.alias ?? typeName
        var own = ExprCompiler(streamType: type, alias: triggerAlias)
        own.tables = env.tables
        own.variables = env.variables
        self.filter = try filter.map { (f) throws(PlanError) in try own.compileCondition(f, clause: "a filter") }
        self.bindings = [
            StreamBinding(alias: triggerAlias, type: type, slot: 0),
            StreamBinding(alias: plan.tableAlias ?? plan.table, type: rowType, slot: 1),
            StreamBinding(alias: "initial", type: rowType, slot: 2, qualifiedOnly: true),
        ]
        var compiler = ExprCompiler(streams: self.bindings, tupled: true)
        compiler.tables = env.tables
        compiler.variables = env.variables
        self.type = type
        self.own = own
        self.compiler = compiler
        self.context = EvalContext(placeholder: EngineEvent(type: EventType.event, timestamp: 0, body: .row([])))
    }

    /// The type of the tuples expressions read.
    var tupleType: EventType { EventType.tuple("on", aliases: self.bindings.map { $0.alias ?? "" }) }
}

/// Compiles `on ... merge` / `on ... delete` / `on ... select` into a statement over its table.
enum TableTriggerCompiler {
    static func compile(_ plan: OnPlan, name: String, env: inout CompileEnvironment) throws(PlanError) -> Statement {
        guard let table = env.tables[plan.table] else {
            throw PlanError(.unknownTable, "unknown table '\(plan.table)'", subject: plan.table)
        }
        guard plan.groupBy.isEmpty, plan.having == nil else {
            throw PlanError(.invalid, "an on-select over a table takes no group by or having", subject: plan.table)
        }
        let trigger = try OnTrigger(plan, rowType: table.type, env: env)
        let (type, f, context) = (trigger.type, trigger.filter, trigger.context)
        var (compiler, own) = (trigger.compiler, trigger.own)
        let lookup = try self.keyLookup(
            plan.whereClause,
            columns: table.keyIndices,
            rowType: table.type,
            compiler: &compiler,
            own: &own
        )
        // With a key lookup, only the conjuncts it does not cover remain to be tested.
        let rest = lookup.map { ExprNode.conjunction($0.rest) } ?? plan.whereClause
        let whereClause = try rest.map { (w) throws(PlanError) in try compiler.compileRow(w, clause: "where") }
        var updatesKey = false

        var clauses: [TableTriggerFront.Clause] = []
        var selection: TableTriggerFront.Selection?
        switch plan.action {
        case .select(let items):
            let tableAlias = plan.tableAlias ?? plan.table
            var names: [String] = []
            var compiled: [CompiledExpr] = []
            for item in items {
                switch item {
                case .wildcard:
                    for column in table.type.columns {
                        names.append(column.name)
                        compiled.append(
                            try compiler.compileRow(
                                .property(stream: tableAlias, path: [column.name]),
                                clause: "select"
                            )
                        )
                    }
                case .expression(let e, let n):
                    names.append(n)
                    compiled.append(try compiler.compileRow(e, clause: "select"))
                }
            }
            guard Set(names).count == names.count else {
                throw PlanError(.duplicate, "duplicate column name in select: \(names.joined(separator: ", "))")
            }
            selection = TableTriggerFront.Selection(names: names, values: compiled, deletes: plan.deletesSelected)
        case .delete:
            clauses = [TableTriggerFront.Clause(matched: true, condition: nil, action: .delete)]
        case .merge(let merge):
            (clauses, updatesKey) = try self.clauses(
                merge,
                rowType: table.type,
                keyIndices: table.keyIndices,
                kind: "table",
                compiler: &compiler,
                types: &env.types
            )
        }
        let front = TableTriggerFront(
            type: type,
            filter: f,
            table: table,
            tupleType: trigger.tupleType,
            context: context,
            keyLookup: lookup?.keys,
            whereClause: whereClause,
            clauses: clauses,
            updatesKey: updatesKey,
            selection: selection
        )
        let statement = Statement(
            name: name,
            source: .on(plan),
            context: context,
            front: front,
            processor: nil,
            limiter: OutputLimiter(nil),
            insertTarget: nil
        )
        if case .select(let items) = plan.action, !plan.orderBy.isEmpty, let selection {
            var ordered = StatementPlan(streams: [], select: items)
            ordered.orderBy = plan.orderBy
            let ordering = RowOrdering(
                ordered,
                columns: selection.names,
                wildcard: items.contains(.wildcard),
                hidden: 0
            )
            guard
                plan.orderBy.allSatisfy({
                    RowOrdering.selectedColumn(
                        $0,
                        ordered,
                        columns: selection.names,
                        wildcard: items.contains(.wildcard)
                    ) != nil
                })
            else {
                throw PlanError(.invalid, "an on-select orders by its selected columns")
            }
            return statement.ordered(by: ordering)
        }
        return statement
    }

    /// Compiles on-merge clauses over rows of `rowType` (a table's, `kind` "table", or a named window's);
    /// also says whether an update assigns one of `keyIndices`.
    static func clauses(
        _ merge: [MergeClause],
        rowType: EventType,
        keyIndices: [Int],
        kind: String,
        compiler: inout ExprCompiler,
        types: inout TypeRegistry
    ) throws(PlanError) -> ([TableTriggerFront.Clause], updatesKey: Bool) {
        guard !merge.isEmpty else { throw PlanError(.invalid, "on-merge needs at least one when clause") }
        var clauses: [TableTriggerFront.Clause] = []
        var updatesKey = false
        for c in merge {
            let condition = try c.condition.map { (e) throws(PlanError) in
                try compiler.compileRow(e, clause: "a when condition")
            }
            let action: TableTriggerFront.Clause.Action
            switch c.action {
            case .delete:
                guard c.matched else { throw PlanError(.invalid, "'when not matched' cannot delete") }
                action = .delete
            case .update(let assignments):
                guard c.matched else { throw PlanError(.invalid, "'when not matched' cannot update; use insert") }
                var out: [(Int, CompiledExpr)] = []
                for a in assignments {
                    guard let i = rowType.columnIndex(a.column) else {
                        throw PlanError(
                            .unknownProperty,
                            "unknown column '\(a.column)' of \(kind) '\(rowType.name)' in update set",
                            subject: a.column
                        )
                    }
                    out.append((i, try compiler.compileRow(a.value, clause: "update set")))
                    updatesKey = updatesKey || keyIndices.contains(i)
                }
                action = .update(out)
            case .insert(let items) where c.insertInto != nil:
                action = try self.insertInto(c.insertInto ?? "", items, types: &types, compiler: &compiler)
            case .insert(let items):
                guard !c.matched else { throw PlanError(.invalid, "'when matched' cannot insert; use update") }
                var out: [(Int, CompiledExpr)] = []
                for item in items {
                    guard case .expression(let e, let n) = item else {
                        throw PlanError(
                            .invalid,
                            "insert into \(kind) '\(rowType.name)' needs named values (expr as column)",
                            subject: rowType.name
                        )
                    }
                    guard let i = rowType.columnIndex(n) else {
                        throw PlanError(
                            .unknownProperty,
                            "unknown column '\(n)' of \(kind) '\(rowType.name)' in insert",
                            subject: n
                        )
                    }
                    out.append((i, try compiler.compileRow(e, clause: "insert")))
                }
                action = .insert(out)
            }
            clauses.append(TableTriggerFront.Clause(matched: c.matched, condition: condition, action: action))
        }
        return (clauses, updatesKey)
    }

    /// `insert into Stream select items`: the stream's type (declared from the items when new) and the
    /// compiled values.
    private static func insertInto(
        _ stream: String,
        _ items: [StatementPlan.SelectItem],
        types: inout TypeRegistry,
        compiler: inout ExprCompiler
    ) throws(PlanError) -> TableTriggerFront.Clause.Action {
        var names: [String] = []
        var values: [CompiledExpr] = []
        for item in items {
            guard case .expression(let e, let n) = item else {
                throw PlanError(
                    .invalid,
                    "insert into '\(stream)' needs named values (expr as column)",
                    subject: stream
                )
            }
            names.append(n)
            values.append(try compiler.compileRow(e, clause: "insert into"))
        }
        let type: EventType
        if let existing = types[stream] {
            type = existing
        } else {
            type = try types.declare(SchemaDeclaration(stream, columns: names.map { Column($0, .any) }))
        }
        return .insertInto(InsertTarget(type: type), names: names, values: values)
    }

    /// Key expressions over the triggering event alone when `where` equates every one of `columns` (of
    /// rows of `rowType`) with it, and the conjuncts that lookup does not cover.
    static func keyLookup(
        _ whereClause: ExprNode?,
        columns: [Int],
        rowType: EventType,
        compiler: inout ExprCompiler,
        own: inout ExprCompiler
    ) throws(PlanError) -> (keys: [CompiledExpr], rest: [ExprNode])? {
        guard !columns.isEmpty else { return nil }
        var byColumn: [Int: ExprNode] = [:]
        var rest: [ExprNode] = []
        for c in whereClause?.conjuncts ?? [] {
            var used = false
            if case .binary(.equal, let l, let r) = c {
                for (col, other) in [(l, r), (r, l)] where !used {
                    guard case .property(let s, let path) = col,
                        case .stream(1, let tail)? = try? compiler.resolve(stream: s, path: path, col), tail.count == 1,
                        let ci = rowType.columnIndex(tail[0]), columns.contains(ci), byColumn[ci] == nil,
                        compiler.streamsRead(by: other).isSubset(of: [0])
                    else { continue }
                    byColumn[ci] = other
                    used = true
                }
            }
            if !used { rest.append(c) }
        }
        var keys: [CompiledExpr] = []
        for ci in columns {
            guard let e = byColumn[ci] else { return nil }
            keys.append(try own.compileRow(e, clause: "where"))
        }
        return (keys, rest)
    }
}

extension OnPlan.Action {
    var keyword: String {
        switch self {
        case .merge: return "merge"
        case .delete: return "delete"
        case .select: return "select"
        }
    }
}
