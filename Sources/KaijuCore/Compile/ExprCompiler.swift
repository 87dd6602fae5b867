/// A stream an expression can read: its alias, its type, and where its event sits in a tuple.
struct StreamBinding {
    let alias: String?
    let type: EventType
    /// Position in the tuple event (ignored when the compiler is not tupled).
    let slot: Int
    /// Whether unqualified names skip this stream (`initial` of an on-merge).
    var qualifiedOnly = false
    /// Whether the slot holds an array of events (a pattern tag inside `until` or a range repeat): its
    /// event is a tuple of the repetitions' events, read as `a[i].col` or as a list (`a.countOf()`).
    var isArray = false
}

/// Compiles ``ExprNode`` trees to closures against one statement's streams.
///
/// Resolves property names to column readers up front (unknown ones are a ``PlanError``), folds
/// constant map keys into direct lookups, and numbers the aggregates it meets so the aggregation
/// layer can keep one incremental state per aggregate per group.
///
/// Name resolution, first match wins: a lambda parameter; a stream alias (`m1.tags`); a derived
/// name (`p` of `process as p`); a column of the default stream; the one stream having that column
/// (two is an ambiguity error).
struct ExprCompiler {
    let streams: [StreamBinding]
    /// Whether the evaluated event is a tuple holding each stream's event, or the single stream's event.
    let tupled: Bool
    /// The stream unqualified names look at first.
    let defaultStream: Int?
    /// Names computed from a stream's event: `p` in `Batch[select process as p, * from spans]`.
    var derived: [String: (stream: Int, node: ExprNode)] = [:]
    /// Tables `T[key].col` can read.
    var tables: [String: Table] = [:]
    /// Variables a name can read when no stream has a property of that name.
    var variables: [String: VariableCell] = [:]
    /// The single stream's window, which `prev`, `prior` and their kin read.
    var windowAccess: WindowAccess?
    /// Compiles subqueries (and keeps the statements that hold their windows), when the clause allows them.
    var subqueries: SubqueryHost?
    /// Aggregates met so far, deduplicated; their index is their slot in ``GroupState/aggregators``.
    private(set) var aggregates: [AggregateCall] = []
    /// Lambda parameters in scope, innermost last; the index is the slot in ``EvalContext/locals``.
    private var locals: [String] = []
    /// Row finders of `T[keys]` reads, shared by reads of the same table and keys.
    private var rowCaches: [(table: Table, keys: [ExprNode], find: (EvalContext) -> EngineEvent?)] = []

    init(streams: [StreamBinding], tupled: Bool, defaultStream: Int? = nil) {
        self.streams = streams
        self.tupled = tupled
        self.defaultStream = defaultStream ?? (streams.count == 1 ? 0 : nil)
    }

    /// An event to stand in before a context has one.
    var placeholderEvent: EngineEvent { EngineEvent(type: EventType.event, timestamp: 0, body: .row([])) }

    /// A compiler for one stream evaluated directly (not in a tuple).
    init(streamType: EventType, alias: String?) {
        self.init(streams: [StreamBinding(alias: alias, type: streamType, slot: 0)], tupled: false, defaultStream: 0)
    }

    /// Compiles an expression where aggregates are not allowed (filters, `where`, `group by`, window keys).
    mutating func compileRow(_ node: ExprNode, clause: String) throws(PlanError) -> CompiledExpr {
        if node.containsAggregate {
            throw PlanError(.invalid, "aggregate functions are not allowed in \(clause): \(node)")
        }
        return try self.compile(node)
    }

    // MARK: - Resolution

    /// What a property path names.
    enum Target {
        case stream(Int, rest: [String])
        case derived(String, rest: [String])
        case local(Int, rest: [String])
    }

    func resolve(stream: String?, path: [String], _ node: ExprNode) throws(PlanError) -> Target {
        if let stream {
            if let i = self.streams.firstIndex(where: { $0.alias == stream }) { return .stream(i, rest: path) }
            if self.derived[stream] != nil { return .derived(stream, rest: path) }
            throw PlanError(.unknownStream, "unknown stream '\(stream)' in \(node)", subject: stream)
        }
        guard let first = path.first else { throw PlanError(.unknownProperty, "empty property in \(node)") }
        let rest = Array(path.dropFirst())
        if let l = self.locals.lastIndex(of: first) { return .local(l, rest: rest) }
        let defaultHas = self.defaultStream.map { self.streams[$0].type.column(first) != nil } ?? false
        if !defaultHas, let i = self.streams.firstIndex(where: { $0.alias == first }) { return .stream(i, rest: rest) }
        if !defaultHas, self.derived[first] != nil { return .derived(first, rest: rest) }
        if defaultHas, let d = self.defaultStream { return .stream(d, rest: path) }
        let having = self.streams.indices.filter {
            !self.streams[$0].qualifiedOnly && self.streams[$0].type.column(first) != nil
        }
        if having.count == 1 { return .stream(having[0], rest: path) }
        if having.count > 1 {
            let names = having.map { self.streams[$0].alias ?? self.streams[$0].type.name }
            throw PlanError(
                .invalid,
                "property '\(first)' is ambiguous in \(node): qualify it with one of \(names.joined(separator: ", "))",
                subject: first
            )
        }
        if self.streams.count == 1 {
            let t = self.streams[0].type
            throw PlanError(
                .unknownProperty,
                "unknown property '\(first)' of \(t.name) (it has: \(t.columns.map(\.name).joined(separator: ", ")))",
                subject: first
            )
        }
        throw PlanError(.unknownProperty, "unknown property '\(first)' in \(node)", subject: first)
    }

    /// The streams an expression reads (derived names count as their stream). Unresolvable names are skipped.
    func streamsRead(by node: ExprNode) -> Set<Int> {
        var out = Set<Int>()
        node.visit { n in
            switch n {
            case .property(let stream, let path):
                switch try? self.resolve(stream: stream, path: path, n) {
                case .stream(let i, _)?: out.insert(i)
                case .derived(let name, _)?: out.insert(self.derived[name]!.stream)
                default: break
                }
            case .native(let a):
                if let i = self.streamIndex(alias: a.stream) { out.insert(i) }
            default: break
            }
        }
        return out
    }

    private func streamIndex(alias: String?) -> Int? {
        guard let alias else { return self.defaultStream }
        return self.streams.firstIndex { $0.alias == alias }
    }

    /// Reads stream `i`'s event out of the evaluated event.
    private func eventGetter(_ i: Int) -> (EvalContext) -> EngineEvent? {
        if !self.tupled { return { $0.event } }
        let slot = self.streams[i].slot
        return { ctx in ctx.event.part(slot) }
    }

    /// `read` applied to stream `i`'s event (`.null` when a tuple has none), without a getter closure in between.
    private func reading(_ i: Int, _ read: @escaping PropertyAccess.Reader) -> CompiledExpr {
        if !self.tupled { return { ctx in read(ctx.event) } }
        let slot = self.streams[i].slot
        return { ctx in
            guard let e = ctx.event.part(slot) else { return .null }
            return read(e)
        }
    }

    // MARK: - Compilation

    /// Compiles an expression that may read aggregates (`select`, `having`).
    mutating func compile(_ node: ExprNode) throws(PlanError) -> CompiledExpr {
        switch node {
        case .literal(let v):
            return { _ in v }
        case .currentTimestamp:
            return { ctx in .int(ctx.now) }
        case .native(let accessor):
            guard let i = self.streamIndex(alias: accessor.stream) else {
                throw PlanError(
                    .unknownStream,
                    "unknown stream '\(accessor.stream ?? "")' in \(node)",
                    subject: accessor.stream ?? ""
                )
            }
            let get = self.eventGetter(i)
            let read = accessor.read
            return { ctx in get(ctx).map { read($0.body) } ?? .null }
        case .property(let stream, let path):
            if stream == nil, path.count == 2, let table = self.tables[path[0]], table.keyIndices.isEmpty,
                !self.streams.contains(where: { $0.alias == path[0] })
            {
                return try self.compileTableGet(path[0], [], path[1], node)  // `T.col` of a table without a key
            }
            if stream == nil, let first = path.first, let cell = self.variables[first],
                (try? self.resolve(stream: nil, path: path, node)) == nil
            {
                // A variable: its value when evaluated, then the rest of the path.
                let rest = Array(path.dropFirst())
                if rest.isEmpty { return { _ in cell.value } }
                return { _ in rest.reduce(cell.value) { $0[$1] } }
            }
            return try self.compileProperty(stream: stream, path: path, node)
        case .mapGet(let base, let key):
            if case .literal(.string(let k)) = key, let (i, column) = try self.directColumn(base, node),
                let read = PropertyAccess.mapReader(self.streams[i].type, column: column, key: k)
            {
                return self.reading(i, read)
            }
            let b = try self.compile(base)
            let k = try self.compile(key)
            return { ctx in
                switch (b(ctx), k(ctx)) {
                case (.object(let map), .string(let key)): return map[key] ?? .null
                case (.array(let items), .int(let i)): return i >= 0 && i < items.count ? items[Int(i)] : .null
                default: return .null
                }
            }
        case .member(let base, let name):
            let b = try self.compile(base)
            return { ctx in b(ctx)[name] }
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
        case .aggregate(let call):
            if call.argument?.containsAggregate == true || call.filter?.containsAggregate == true {
                throw PlanError(.invalid, "aggregate functions cannot be nested: \(node)")
            }
            if let argument = call.argument { _ = try self.compile(argument) }  // validates properties
            if let filter = call.filter { _ = try self.compile(filter) }
            let slot: Int
            if let i = self.aggregates.firstIndex(of: call) {
                slot = i
            } else {
                slot = self.aggregates.count
                self.aggregates.append(call)
            }
            return { ctx in ctx.group?.aggregators[slot].value ?? .null }
        case .tableGet(let name, let keys, let column):
            return try self.compileTableGet(name, keys, column, node)
        case .enumeration(let call):
            return try self.compileEnumeration(call)
        case .subquery(let s):
            guard let host = self.subqueries else {
                throw PlanError(.invalid, "subqueries are not supported here: \(node)")
            }
            return try host.compile(s, outer: &self)
        }
    }

    /// The stream and column a base expression names directly (`tags`, `m.tags`), when it does.
    private func directColumn(_ base: ExprNode, _ node: ExprNode) throws(PlanError) -> (Int, String)? {
        guard case .property(let stream, let path) = base else { return nil }
        guard case .stream(let i, let rest) = try self.resolve(stream: stream, path: path, node), rest.count == 1 else {
            return nil
        }
        return (i, rest[0])
    }

    private mutating func compileProperty(
        stream: String?,
        path: [String],
        _ node: ExprNode
    ) throws(PlanError) -> CompiledExpr {
        let base: CompiledExpr
        let rest: [String]
        switch try self.resolve(stream: stream, path: path, node) {
        case .local(let slot, let r):
            base = { ctx in slot < ctx.locals.count ? ctx.locals[slot] : .null }
            rest = r
        case .derived(let name, let r):
            let (i, expr) = self.derived[name]!
            var inner = ExprCompiler(streams: [self.streams[i]], tupled: false, defaultStream: 0)
            inner.tables = self.tables
            inner.variables = self.variables
            let read = try inner.compileRow(expr, clause: "a contained selection")
            let get = self.eventGetter(i)
            base = { ctx in
                guard let e = get(ctx) else { return .null }
                let saved = ctx.event
                ctx.event = e
                defer { ctx.event = saved }
                return read(ctx)
            }
            rest = r
        case .stream(let i, let r) where self.streams[i].isArray:
            // A tag array: its events as a list (`a.countOf()`, `a.selectFrom(x => x.id)`).
            guard r.isEmpty else {
                throw PlanError(
                    .invalid,
                    "'\(self.streams[i].alias ?? "")' is an array of events: read one as \(self.streams[i].alias ?? "")[i].\(r[0]) or use an enumeration method",
                    subject: r[0]
                )
            }
            let get = self.eventGetter(i)
            base = { ctx in
                guard let e = get(ctx), case .tuple(let items) = e.body else { return .null }
                return .array(items.map { $0?.value ?? .null })
            }
            rest = []
        case .stream(let i, let r):
            let get = self.eventGetter(i)
            guard let column = r.first else {
                base = { ctx in get(ctx)?.value ?? .null }  // the whole event: `select a from pattern [a=A]`
                rest = []
                break
            }
            let type = self.streams[i].type
            guard let read = PropertyAccess.reader(type, column: column) else {
                throw PlanError(
                    .unknownProperty,
                    "unknown property '\(column)' of \(type.name) (it has: \(type.columns.map(\.name).joined(separator: ", ")))",
                    subject: column
                )
            }
            base = self.reading(i, read)
            rest = Array(r.dropFirst())
        }
        if rest.isEmpty { return base }
        return { ctx in
            var v = base(ctx)
            for key in rest { v = v[key] }
            return v
        }
    }

    /// `a[i].col` (or `a[i]`) of tag array `a` (stream `i`): null past its end.
    private mutating func compileTagArrayElement(
        _ stream: Int,
        index: ExprNode,
        column: String?
    ) throws(PlanError) -> CompiledExpr {
        let position = try self.compileRow(index, clause: "a tag array index")
        let get = self.eventGetter(stream)
        let type = self.streams[stream].type
        var read: PropertyAccess.Reader?
        if let column {
            read = PropertyAccess.reader(type, column: column)
            guard read != nil else {
                throw PlanError(
                    .unknownProperty,
                    "unknown property '\(column)' of \(type.name) (it has: \(type.columns.map(\.name).joined(separator: ", ")))",
                    subject: column
                )
            }
        }
        return { ctx in
            guard let e = get(ctx), case .tuple(let items) = e.body, let k = position(ctx).intValue,
                k >= 0, k < items.count, let item = items[Int(k)]
            else { return .null }
            return read.map { $0(item) } ?? item.value
        }
    }

    private mutating func compileTableGet(
        _ name: String,
        _ keys: [ExprNode],
        _ column: String?,
        _ node: ExprNode
    ) throws(PlanError) -> CompiledExpr {
        if self.tables[name] == nil, keys.count == 1, case .literal(.int(let i)) = keys[0],
            self.streams.contains(where: { $0.alias == "\(name)[\(i)]" })
        {
            // `a[0].v`: the first event of a tagged repeat (`[2] a=A`).
            return try self.compileProperty(stream: "\(name)[\(i)]", path: column.map { [$0] } ?? [], node)
        }
        if self.tables[name] == nil, keys.count == 1, let i = self.streams.firstIndex(where: { $0.alias == name }),
            self.streams[i].isArray
        {
            return try self.compileTagArrayElement(i, index: keys[0], column: column)
        }
        guard let table = self.tables[name] else {
            throw PlanError(.unknownTable, "unknown table '\(name)' in \(node)", subject: name)
        }
        guard keys.count == table.keyIndices.count else {
            throw PlanError(
                .invalid,
                "table '\(name)' has \(table.keyIndices.count) primary key column(s), \(node) gives \(keys.count)",
                subject: name
            )
        }
        var compiled: [CompiledExpr] = []
        for k in keys { compiled.append(try self.compile(k)) }
        let find = self.rowFinder(table, keys: keys, compiled: compiled)
        guard let column else {
            return { ctx in find(ctx)?.value ?? .null }
        }
        guard let ci = table.type.columnIndex(column) else {
            throw PlanError(
                .unknownProperty,
                "unknown column '\(column)' of table '\(name)' in \(node)",
                subject: column
            )
        }
        return { ctx in
            guard case .tableRow(let r)? = find(ctx)?.body else { return .null }
            return r.values[ci]
        }
    }

    /// Finds `T[keys]`'s row. Reads of one table by the same keys (`T[k].a`, `T[k].b`) share one
    /// finder, which remembers its last row per evaluated event and table version: the row is looked
    /// up once per event, not once per column. Keys that may change within one event (lambda
    /// parameters, engine time, aggregates, other tables) are looked up every time.
    private mutating func rowFinder(
        _ table: Table,
        keys: [ExprNode],
        compiled: [CompiledExpr]
    ) -> (EvalContext) -> EngineEvent? {
        var stable = self.locals.isEmpty
        for k in keys {
            k.visit { n in
                switch n {
                case .currentTimestamp, .aggregate, .tableGet: stable = false
                default: break
                }
            }
        }
        guard stable else { return { ctx in table.row(table.key(of: compiled, in: ctx)) } }
        if let shared = self.rowCaches.first(where: { $0.table === table && $0.keys == keys }) {
            return shared.find
        }
        let cache = TableRowCache()
        let find: (EvalContext) -> EngineEvent? = { ctx in
            if cache.event === ctx.event && cache.version == table.version { return cache.row }
            let row = table.row(table.key(of: compiled, in: ctx))
            cache.event = ctx.event
            cache.version = table.version
            cache.row = row
            return row
        }
        self.rowCaches.append((table, keys, find))
        return find
    }

    private mutating func compileEnumeration(_ call: EnumerationCall) throws(PlanError) -> CompiledExpr {
        let items = try self.compile(call.list)
        var arguments: [EnumerationEvaluator.Argument] = []
        for a in call.arguments {
            let first = self.locals.count
            self.locals.append(contentsOf: a.parameters)
            defer { self.locals.removeLast(a.parameters.count) }
            arguments.append(.init(firstSlot: first, parameters: a.parameters.count, body: try self.compile(a.body)))
        }
        let evaluator = try EnumerationEvaluator(call.method, arguments)
        return { ctx in
            guard case .array(let elements) = items(ctx) else { return .null }
            return evaluator.apply(elements, ctx)
        }
    }

    private mutating func compileBinary(
        _ op: BinaryOperator,
        _ l: ExprNode,
        _ r: ExprNode
    ) throws(PlanError) -> CompiledExpr {
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
            // A constant right side (`fields('usage_idle') < 10.0`) is not evaluated per event.
            if case .literal(let k) = r { return { ctx in Value.compare(op, a(ctx), k) } }
            return { ctx in Value.compare(op, a(ctx), b(ctx)) }
        case .concat:
            return { ctx in Value.concat(a(ctx), b(ctx)) }
        case .add, .subtract, .multiply, .divide, .modulo:
            return { ctx in Value.arithmetic(op, a(ctx), b(ctx)) }
        case .bitAnd, .bitOr, .bitXor:
            return { ctx in Value.bitwise(op, a(ctx), b(ctx)) }
        }
    }

    private mutating func compileCall(
        _ name: String,
        _ args: [ExprNode],
        _ node: ExprNode
    ) throws(PlanError) -> CompiledExpr {
        if name == "regexp", args.count == 2 { return try self.compileRegexp(args[0], args[1]) }
        if ["prev", "prevtail", "prevcount", "prevwindow", "prior"].contains(name.lowercased()) {
            return try self.compileWindowRead(name.lowercased(), args, node)
        }
        if name == "case" || name == "case_simple" { return try self.compileCase(args, simple: name == "case_simple") }
        guard let f = BuiltinFunction.named(name) else {
            throw PlanError(.unknownFunction, "unknown function '\(name)' in \(node)", subject: name)
        }
        guard f.arity.contains(args.count) else {
            throw PlanError(
                .invalid,
                "function '\(name)' takes \(f.arity.lowerBound == f.arity.upperBound ? "\(f.arity.lowerBound)" : "at least \(f.arity.lowerBound)") argument(s), got \(args.count)",
                subject: name
            )
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

extension ExprCompiler {
    /// `prev([n,] expr)`: `expr` of the event n places before the current one in the window (n = 1 when
    /// not given); `prevtail([n,] expr)`: of the event n places after the oldest (n = 0); `prevcount(s)`:
    /// the window's size; `prevwindow(s)`: its events, newest first; `prior(n, expr)`: of the event the
    /// stream received n before the current one, whatever the window. Single-stream statements only.
    fileprivate mutating func compileWindowRead(
        _ name: String,
        _ args: [ExprNode],
        _ node: ExprNode
    ) throws(PlanError) -> CompiledExpr {
        guard let access = self.windowAccess, !self.tupled else {
            throw PlanError(.invalid, "'\(name)' is supported in statements over one stream: \(node)", subject: name)
        }
        if name == "prevcount" || name == "prevwindow" {
            guard args.count == 1 else { throw PlanError(.invalid, "\(name) takes one argument: \(node)") }
            if name == "prevcount" { return { ctx in .int(Int64(access.count(current: ctx.event))) } }
            return { ctx in
                let events = access.newestFirst(current: ctx.event)
                return events.isEmpty ? .null : .array(events.map(\.value))
            }
        }
        guard args.count == 1 || args.count == 2 else {
            throw PlanError(.invalid, "\(name) takes an index and an expression: \(node)", subject: name)
        }
        var index: Int = name == "prevtail" ? 0 : 1
        if args.count == 2 {
            guard case .literal(.int(let n)) = args[0], n >= 0, n < 1_000_000 else {
                throw PlanError(.invalid, "\(name)'s index must be a constant from 0 to 999999: \(node)")
            }
            index = Int(n)
        } else if name == "prior" {
            throw PlanError(.invalid, "prior takes an index and an expression: \(node)")
        }
        let value = try self.compile(args[args.count - 1])
        let find: (EngineEvent) -> EngineEvent?
        switch name {
        case "prev": find = { [index] current in access.event(index, before: current) }
        case "prevtail": find = { [index] current in access.event(fromOldest: index, current: current) }
        default:
            access.keepHistory(back: index)  // the longest a statement's priors ask for is what is kept
            find = { [index] current in access.history?.event(index, before: current) }
        }
        return { ctx in
            let current = ctx.event
            guard let target = find(current) else { return .null }
            ctx.event = target
            defer { ctx.event = current }
            return value(ctx)
        }
    }

    /// `case`: the value after the first `when` that holds (searched: is true; simple: equals the subject,
    /// null equal to null), else the last argument. Only the chosen branch is evaluated.
    fileprivate mutating func compileCase(_ args: [ExprNode], simple: Bool) throws(PlanError) -> CompiledExpr {
        guard args.count >= (simple ? 4 : 3), (args.count - (simple ? 2 : 1)) % 2 == 0 else {
            throw PlanError(.invalid, "malformed case expression")
        }
        var compiled: [CompiledExpr] = []
        for a in args { compiled.append(try self.compile(a)) }
        let otherwise = compiled[compiled.count - 1]
        if simple {
            let subject = compiled[0]
            let branches = Array(compiled[1..<(compiled.count - 1)])
            return { ctx in
                let x = subject(ctx)
                var i = 0
                while i < branches.count {
                    let w = branches[i](ctx)
                    if x.isNull ? w.isNull : (!w.isNull && x == w) { return branches[i + 1](ctx) }
                    i += 2
                }
                return otherwise(ctx)
            }
        }
        let branches = Array(compiled[0..<(compiled.count - 1)])
        return { ctx in
            var i = 0
            while i < branches.count {
                if branches[i](ctx).isTrue { return branches[i + 1](ctx) }
                i += 2
            }
            return otherwise(ctx)
        }
    }

    /// `s regexp 'pattern'`: whether the whole string matches (Java's `String.matches`); null with a null
    /// operand. A constant pattern is compiled once, with the statement.
    fileprivate mutating func compileRegexp(_ subject: ExprNode, _ pattern: ExprNode) throws(PlanError) -> CompiledExpr
    {
        let value = try self.compile(subject)
        func matches(_ regex: Regex<AnyRegexOutput>, _ s: String) -> Bool {
            ((try? regex.wholeMatch(in: s)) ?? nil) != nil
        }
        if case .literal(.string(let text)) = pattern {
            let regex: Regex<AnyRegexOutput>
            do {
                regex = try Regex(text)
            } catch {
                throw PlanError(.invalid, "'\(text)' is not a regular expression", subject: text)
            }
            return { ctx in
                guard case .string(let s) = value(ctx) else { return .null }
                return .bool(matches(regex, s))
            }
        }
        let patternValue = try self.compile(pattern)
        return { ctx in
            guard case .string(let s) = value(ctx), case .string(let text) = patternValue(ctx),
                let regex = try? Regex(text)
            else { return .null }
            return .bool(matches(regex, s))
        }
    }
}

extension ExprNode {
    /// Whether the expression reads the event outside any aggregate and outside the `groupBy` expressions.
    func readsOutside(groupBy: [ExprNode]) -> Bool {
        if groupBy.contains(self) { return false }
        switch self {
        case .property, .native: return true
        case .literal, .currentTimestamp, .aggregate: return false
        case .mapGet(let a, let b), .binary(_, let a, let b):
            return a.readsOutside(groupBy: groupBy) || b.readsOutside(groupBy: groupBy)
        case .unary(_, let a), .member(let a, _): return a.readsOutside(groupBy: groupBy)
        case .call(_, let args), .tableGet(_, let args, _): return args.contains { $0.readsOutside(groupBy: groupBy) }
        case .newMap(let entries): return entries.contains { $0.value.readsOutside(groupBy: groupBy) }
        case .enumeration(let call):
            return call.list.readsOutside(groupBy: groupBy)
                || call.arguments.contains { $0.body.readsOutside(groupBy: groupBy) }
        case .subquery(let s): return s.form.operand?.readsOutside(groupBy: groupBy) == true
        }
    }

    /// Whether the expression reads the event outside any aggregate (so it needs a row per event).
    var readsEventOutsideAggregate: Bool { self.readsEventOutsideAggregate(variables: []) }

    /// ``readsEventOutsideAggregate``, where names in `variables` (variables, `context`) are constants.
    func readsEventOutsideAggregate(variables: Set<String>) -> Bool {
        func reads(_ e: ExprNode) -> Bool { e.readsEventOutsideAggregate(variables: variables) }
        switch self {
        case .property(nil, let path): return path.first.map { !variables.contains($0) } ?? true
        case .property, .native: return true
        case .literal, .currentTimestamp, .aggregate: return false
        case .mapGet(let a, let b), .binary(_, let a, let b): return reads(a) || reads(b)
        case .unary(_, let a), .member(let a, _): return reads(a)
        case .call(_, let args), .tableGet(_, let args, _): return args.contains(where: reads)
        case .newMap(let entries): return entries.contains { reads($0.value) }
        case .enumeration(let call): return reads(call.list) || call.arguments.contains { reads($0.body) }
        case .subquery: return true  // it may read the event (a correlated where)
        }
    }
}

/// The last row a table read found, for which evaluated event and table version.
/// Holds the event strongly, so a new event can never be mistaken for it.
final class TableRowCache {
    @exclusivity(unchecked) var event: EngineEvent?
    @exclusivity(unchecked) var version = -1
    @exclusivity(unchecked) var row: EngineEvent?
}
