extension ExprNode {
    /// The expression with every node for which `replacement` gives a node replaced by it (top down: a
    /// replaced node's children are not visited). Subqueries' own clauses are another scope and are kept.
    public func rewritten(_ replacement: (ExprNode) -> ExprNode?) -> ExprNode {
        if let r = replacement(self) { return r }
        func go(_ e: ExprNode) -> ExprNode { e.rewritten(replacement) }
        switch self {
        case .literal, .property, .native, .currentTimestamp: return self
        case .mapGet(let a, let b): return .mapGet(go(a), go(b))
        case .unary(let op, let a): return .unary(op, go(a))
        case .binary(let op, let a, let b): return .binary(op, go(a), go(b))
        case .call(let f, let args): return .call(f, args.map(go))
        case .newMap(let entries): return .newMap(entries.map { .init($0.key, go($0.value)) })
        case .aggregate(var call):
            call.argument = call.argument.map(go)
            call.filter = call.filter.map(go)
            return .aggregate(call)
        case .member(let a, let name): return .member(go(a), name)
        case .tableGet(let t, let keys, let c): return .tableGet(table: t, keys: keys.map(go), column: c)
        case .enumeration(var call):
            call.list = go(call.list)
            call.arguments = call.arguments.map { .init($0.parameters, go($0.body)) }
            return .enumeration(call)
        case .subquery(var s):
            switch s.form {
            case .value, .exists, .rows: break
            case .in(let e, let negated): s.form = .in(go(e), negated: negated)
            case .any(let op, let e): s.form = .any(op, go(e))
            case .all(let op, let e): s.form = .all(op, go(e))
            }
            return .subquery(s)
        }
    }
}
