/// Compiles ``ExprNode`` trees to closures against one statement's stream.
///
/// Resolves property names to column readers up front (unknown ones are a ``PlanError``), folds
/// constant map keys into direct lookups, and numbers the aggregates it meets so the aggregation
/// layer can keep one incremental state per aggregate per group.
struct ExprCompiler {
    let streamType: EventType
    let alias: String?
    /// Aggregates met so far, deduplicated; their index is their slot in ``GroupState/aggregators``.
    private(set) var aggregates: [(kind: AggregateKind, argument: ExprNode?)] = []

    init(streamType: EventType, alias: String?) {
        self.streamType = streamType
        self.alias = alias
    }

    /// Compiles an expression where aggregates are not allowed (filters, `where`, `group by`, window keys).
    mutating func compileRow(_ node: ExprNode, clause: String) throws(PlanError) -> CompiledExpr {
        if node.containsAggregate { throw PlanError("aggregate functions are not allowed in \(clause): \(node)") }
        return try self.compile(node)
    }

    /// Compiles an expression that may read aggregates (`select`, `having`).
    mutating func compile(_ node: ExprNode) throws(PlanError) -> CompiledExpr {
        switch node {
        case .literal(let v):
            return { _ in v }
        case .currentTimestamp:
            return { ctx in .int(ctx.now) }
        case .native(let accessor):
            try self.checkStream(accessor.stream, node)
            let read = accessor.read
            return { ctx in read(ctx.event.body) }
        case .property(let stream, let path):
            return try self.compileProperty(stream: stream, path: path, node)
        case .mapGet(let base, let key):
            if case .literal(.string(let k)) = key, let column = self.directColumn(base) {
                guard let read = PropertyAccess.mapReader(self.streamType, column: column, key: k) else {
                    throw PlanError("unknown property '\(column)' of \(self.streamType.name) in \(node)")
                }
                return { ctx in read(ctx.event) }
            }
            let b = try self.compile(base)
            let k = try self.compile(key)
            return { ctx in
                let m = b(ctx)
                switch (m, k(ctx)) {
                case (.object(let map), .string(let key)): return map[key] ?? .null
                case (.array(let items), .int(let i)): return i >= 0 && i < items.count ? items[Int(i)] : .null
                default: return .null
                }
            }
        case .unary(.not, let e):
            let c = try self.compile(e)
            return { ctx in
                guard case .bool(let b) = c(ctx) else { return .null }
                return .bool(!b)
            }
        case .unary(.negate, let e):
            let c = try self.compile(e)
            return { ctx in
                switch c(ctx) {
                case .int(let i): return .int(0 &- i)
                case .double(let d): return .double(-d)
                default: return .null
                }
            }
        case .binary(let op, let l, let r):
            return try self.compileBinary(op, l, r)
        case .call(let name, let args):
            return try self.compileCall(name, args, node)
        case .newMap(let entries):
            let keys = entries.map(\.key)
            var values: [CompiledExpr] = []
            for e in entries { values.append(try self.compile(e.value)) }
            return { ctx in
                var out: [ValueMap.Entry] = []
                out.reserveCapacity(keys.count)
                for i in keys.indices { out.append(.init(key: keys[i], value: values[i](ctx))) }
                return .object(ValueMap(out))
            }
        case .aggregate(let kind, let argument):
            if argument?.containsAggregate == true { throw PlanError("aggregate functions cannot be nested: \(node)") }
            if let argument { _ = try self.compile(argument) }  // validates properties
            let slot: Int
            if let i = self.aggregates.firstIndex(where: { $0.kind == kind && $0.argument == argument }) {
                slot = i
            } else {
                slot = self.aggregates.count
                self.aggregates.append((kind, argument))
            }
            return { ctx in ctx.group?.aggregators[slot].value ?? .null }
        }
    }

    private func checkStream(_ stream: String?, _ node: ExprNode) throws(PlanError) {
        if let stream, stream != self.alias {
            throw PlanError("unknown stream '\(stream)' in \(node)")
        }
    }

    /// The column a base expression names directly (`tags`, `m.tags`), when it does.
    private func directColumn(_ base: ExprNode) -> String? {
        guard case .property(let stream, let path) = base else { return nil }
        let p = self.stripAlias(stream: stream, path: path)
        return p?.count == 1 ? p?[0] : nil
    }

    private func stripAlias(stream: String?, path: [String]) -> [String]? {
        if let stream { return stream == self.alias ? path : nil }
        if let alias = self.alias, path.count > 1, path[0] == alias, self.streamType.column(alias) == nil {
            return Array(path.dropFirst())
        }
        return path
    }

    private func compileProperty(stream: String?, path: [String], _ node: ExprNode) throws(PlanError) -> CompiledExpr {
        guard let path = self.stripAlias(stream: stream, path: path), let first = path.first else {
            throw PlanError("unknown stream '\(stream ?? "")' in \(node)")
        }
        guard let read = PropertyAccess.reader(self.streamType, column: first) else {
            let known = self.streamType.columns.map(\.name).joined(separator: ", ")
            throw PlanError("unknown property '\(first)' of \(self.streamType.name) (it has: \(known))")
        }
        let rest = Array(path.dropFirst())
        if rest.isEmpty { return { ctx in read(ctx.event) } }
        return { ctx in
            var v = read(ctx.event)
            for key in rest { v = v[key] }
            return v
        }
    }

    private mutating func compileBinary(_ op: BinaryOperator, _ l: ExprNode, _ r: ExprNode) throws(PlanError) -> CompiledExpr {
        let a = try self.compile(l)
        let b = try self.compile(r)
        switch op {
        case .and:
            return { ctx in
                let x = a(ctx)
                if case .bool(false) = x { return .bool(false) }
                let y = b(ctx)
                if case .bool(false) = y { return .bool(false) }
                if case .bool(true) = x, case .bool(true) = y { return .bool(true) }
                return .null
            }
        case .or:
            return { ctx in
                let x = a(ctx)
                if case .bool(true) = x { return .bool(true) }
                let y = b(ctx)
                if case .bool(true) = y { return .bool(true) }
                if case .bool(false) = x, case .bool(false) = y { return .bool(false) }
                return .null
            }
        case .equal:
            if case .literal(let k) = r, !k.isNull {
                return { ctx in
                    let x = a(ctx)
                    return x.isNull ? .null : .bool(x == k)
                }
            }
            return { ctx in Value.compare(.equal, a(ctx), b(ctx)) }
        case .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return { ctx in Value.compare(op, a(ctx), b(ctx)) }
        case .concat:
            return { ctx in Value.concat(a(ctx), b(ctx)) }
        case .add, .subtract, .multiply, .divide, .modulo:
            return { ctx in Value.arithmetic(op, a(ctx), b(ctx)) }
        }
    }

    private mutating func compileCall(_ name: String, _ args: [ExprNode], _ node: ExprNode) throws(PlanError) -> CompiledExpr {
        guard let f = BuiltinFunction.named(name) else {
            throw PlanError("unknown function '\(name)' in \(node)")
        }
        guard f.arity.contains(args.count) else {
            throw PlanError("function '\(name)' takes \(f.arity.lowerBound == f.arity.upperBound ? "\(f.arity.lowerBound)" : "at least \(f.arity.lowerBound)") argument(s), got \(args.count)")
        }
        var compiled: [CompiledExpr] = []
        for a in args { compiled.append(try self.compile(a)) }
        switch f {
        case .unary(let g):
            let a = compiled[0]
            return { ctx in g(a(ctx)) }
        case .binary(let g):
            let (a, b) = (compiled[0], compiled[1])
            return { ctx in g(a(ctx), b(ctx)) }
        case .ternary(let g):
            let (a, b, c) = (compiled[0], compiled[1], compiled[2])
            return { ctx in g(a(ctx), b(ctx), c(ctx)) }
        case .variadic(_, let g):
            return { ctx in g(compiled.map { $0(ctx) }) }
        }
    }
}

extension ExprNode {
    /// Whether the expression reads the event outside any aggregate (so it needs a row per event).
    var readsEventOutsideAggregate: Bool {
        switch self {
        case .property, .native: return true
        case .literal, .currentTimestamp, .aggregate: return false
        case .mapGet(let a, let b), .binary(_, let a, let b):
            return a.readsEventOutsideAggregate || b.readsEventOutsideAggregate
        case .unary(_, let a): return a.readsEventOutsideAggregate
        case .call(_, let args): return args.contains { $0.readsEventOutsideAggregate }
        case .newMap(let entries): return entries.contains { $0.value.readsEventOutsideAggregate }
        }
    }
}
