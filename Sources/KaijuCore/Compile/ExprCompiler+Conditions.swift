extension ExprCompiler {
    /// Compiles a filter, `where` or `having` condition, refusing (as Esper does) one whose type is known
    /// not to be boolean (`Trade(qty)`, `where price + 1`).
    mutating func compileCondition(_ node: ExprNode, clause: String) throws(PlanError) -> CompiledExpr {
        if let t = self.staticType(node), t != .bool, t != .any {
            throw PlanError(.invalid, "\(clause) must be a boolean expression, not \(t.rawValue): \(node)")
        }
        return try self.compileRow(node, clause: clause)
    }

    /// The type an expression is known to have without evaluating it, when it is known.
    func staticType(_ node: ExprNode) -> ColumnType? {
        switch node {
        case .literal(let v):
            switch v {
            case .bool: return .bool
            case .int: return .long
            case .double: return .double
            case .string: return .string
            default: return nil
            }
        case .property(let stream, let path):
            guard case .stream(let i, let rest)? = try? self.resolve(stream: stream, path: path, node), rest.count == 1
            else { return nil }
            return self.streams[i].type.column(rest[0])?.type
        case .binary(let op, _, _):
            switch op {
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .and, .or: return .bool
            case .add, .subtract, .multiply, .divide, .modulo: return .double
            case .concat: return .string
            case .bitAnd, .bitOr, .bitXor: return nil
            }
        case .unary(.not, _): return .bool
        case .unary(.negate, _): return .double
        case .call(let name, _):
            let booleans: Set<String> = [
                "isnull", "like", "regexp", "in", "between", "notbetween", "contains", "startswith", "endswith",
                "containskey",
            ]
            return booleans.contains(name.lowercased()) ? .bool : nil
        case .subquery(let s):
            if case .value = s.form { return nil }
            if case .rows = s.form { return .array }
            return .bool
        case .currentTimestamp: return .long
        case .newMap: return .map
        default: return nil
        }
    }
}
