/// A `match_recognize` compiled: the automaton, each variable's condition, the partition key and the
/// measures. Conditions read a tuple of the variables' latest events (the candidate in its variable's
/// slot) and the partition's previous events (`prev`); measures read the variables' latest events and
/// the aggregates over each variable's events (`count(U.id)`, `first(U.v)`, `avg(U.v)`, ...).
final class MatchRecognizeRules {
    /// One aggregate of the measures: its function, the variable it runs over (`nil`: every event of
    /// the match) and its argument (read from one event).
    struct Aggregate {
        let kind: AggregateKind
        let variable: Int?
        let argument: CompiledExpr?
    }

    let variables: [String]
    let automaton: RowPatternAutomaton
    let partitionBy: [CompiledExpr]
    /// Each variable's condition (`nil`: any event).
    let defines: [CompiledExpr?]
    let tupleType: EventType
    /// How many previous events of a partition `prev` reads.
    let prevDepth: Int
    let measureTupleType: EventType
    let measures: [CompiledExpr]
    let aggregates: [Aggregate]
    let aggregateType: EventType
    /// The rows matches produce: one column per measure.
    let matchType: EventType
    let allMatches: Bool
    let skip: MatchRecognize.Skip
    /// `interval` in ms, and whether `or terminated` was given.
    let interval: Int64?
    let orTerminated: Bool
    /// Most live attempts per partition (and most partitions).
    let maxAttempts: Int
    let context: EvalContext
    /// Evaluates aggregate arguments (one event at a time).
    private let argumentContext: EvalContext

    init(_ spec: MatchRecognize, type: EventType, env: CompileEnvironment, context: EvalContext) throws(PlanError) {
        let variables = spec.pattern.variables
        self.variables = variables
        self.automaton = try RowPatternAutomaton(spec.pattern, variables: variables)
        self.context = context
        self.argumentContext = EvalContext(placeholder: context.event)
        self.allMatches = spec.allMatches
        self.skip = spec.skip
        self.interval = spec.interval?.milliseconds
        self.orTerminated = spec.orTerminated
        self.maxAttempts = env.limits.maxPatternInstances

        var own = ExprCompiler(streamType: type, alias: nil)
        own.tables = env.tables
        own.variables = env.variables
        var keys: [CompiledExpr] = []
        for k in spec.partitionBy { keys.append(try own.compileRow(k, clause: "partition by")) }
        self.partitionBy = keys

        // Conditions: `prev([n,] expr)` reads the partition's n-th previous event, in its own slot.
        var depth = 0
        var rewritten: [String: ExprNode] = [:]
        for d in spec.defines {
            guard variables.contains(d.variable) else {
                throw PlanError(
                    .invalid,
                    "define of '\(d.variable)', which the pattern does not use",
                    subject: d.variable
                )
            }
            rewritten[d.variable] = try Self.prevSlots(d.condition, variables: variables, depth: &depth)
        }
        self.prevDepth = depth
        var bindings = variables.enumerated().map { StreamBinding(alias: $1, type: type, slot: $0) }
        for k in 0..<depth {
            bindings.append(StreamBinding(alias: "#prev\(k + 1)", type: type, slot: variables.count + k))
        }
        self.tupleType = EventType.tuple("match", aliases: bindings.map { $0.alias ?? "" })
        var defines: [CompiledExpr?] = []
        for (i, v) in variables.enumerated() {
            guard let condition = rewritten[v] else {
                defines.append(nil)
                continue
            }
            var c = ExprCompiler(streams: bindings, tupled: true, defaultStream: i)
            c.tables = env.tables
            c.variables = env.variables
            defines.append(try c.compileCondition(condition, clause: "define \(v)"))
        }
        self.defines = defines

        // Measures: aggregates become columns of a row computed per match.
        var aggregates: [Aggregate] = []
        var measureNodes: [ExprNode] = []
        var names: [String] = []
        for item in spec.measures {
            guard case .expression(let e, let name) = item else {
                throw PlanError(.invalid, "measures need named expressions (expr as name)")
            }
            var failure: PlanError?
            let node = e.rewritten { n in
                guard case .aggregate(let call) = n else { return nil }
                do throws(PlanError) {
                    aggregates.append(try Self.aggregate(call, variables: variables, type: type, env: env))
                } catch {
                    failure = error
                }
                return .property(stream: "#agg", path: ["a\(aggregates.count - 1)"])
            }
            if let failure { throw failure }
            measureNodes.append(node)
            names.append(name)
        }
        guard Set(names).count == names.count else {
            throw PlanError(.duplicate, "duplicate measure name: \(names.joined(separator: ", "))")
        }
        self.aggregates = aggregates
        self.aggregateType = EventType(
            name: "#agg",
            representation: .row,
            ownColumns: aggregates.indices.map { Column("a\($0)", .any) },
            parents: []
        )
        var measureBindings = variables.enumerated().map { StreamBinding(alias: $1, type: type, slot: $0) }
        measureBindings.append(StreamBinding(alias: "#agg", type: self.aggregateType, slot: variables.count))
        self.measureTupleType = EventType.tuple("measures", aliases: measureBindings.map { $0.alias ?? "" })
        var mc = ExprCompiler(streams: measureBindings, tupled: true)
        mc.tables = env.tables
        mc.variables = env.variables
        var measures: [CompiledExpr] = []
        for n in measureNodes { measures.append(try mc.compileRow(n, clause: "measures")) }
        self.measures = measures
        self.matchType = EventType(
            name: "match_recognize",
            representation: .row,
            ownColumns: names.map { Column($0, .any) },
            parents: []
        )
    }

    /// `cond` with each `prev([n,] expr)` replaced by `expr` reading slot `#prevN`; `depth` grows to the largest n.
    private static func prevSlots(
        _ cond: ExprNode,
        variables: [String],
        depth: inout Int
    ) throws(PlanError) -> ExprNode {
        var failure: PlanError?
        var deepest = depth
        let out = cond.rewritten { node in
            guard case .call(let name, let args) = node, name.lowercased() == "prev", args.count == 1 || args.count == 2
            else { return nil }
            var n = 1
            if args.count == 2 {
                guard case .literal(.int(let k)) = args[0], k >= 1, k <= 1_000 else {
                    failure = PlanError(.invalid, "prev's index in a define must be a constant from 1 to 1000")
                    return nil
                }
                n = Int(k)
            }
            deepest = max(deepest, n)
            let slot = "#prev\(n)"
            return args[args.count - 1].rewritten { e in
                guard case .property(let stream, let path) = e else { return nil }
                if let stream, variables.contains(stream) { return .property(stream: slot, path: path) }
                if stream == nil, let first = path.first, variables.contains(first), path.count > 1 {
                    return .property(stream: slot, path: Array(path.dropFirst()))
                }
                if stream == nil { return .property(stream: slot, path: path) }
                return nil
            }
        }
        if let failure { throw failure }
        depth = deepest
        return out
    }

    private static func aggregate(
        _ call: AggregateCall,
        variables: [String],
        type: EventType,
        env: CompileEnvironment
    ) throws(PlanError) -> Aggregate {
        guard [.count, .sum, .avg, .min, .max, .first, .last].contains(call.kind), !call.distinct, call.filter == nil
        else {
            throw PlanError(.invalid, "measures aggregate with count, sum, avg, min, max, first and last only: \(call)")
        }
        guard let argument = call.argument else { return Aggregate(kind: call.kind, variable: nil, argument: nil) }
        var read: Set<String> = []
        _ = argument.rewritten { e in
            if case .property(let stream, let path) = e {
                if let stream, variables.contains(stream) { read.insert(stream) }
                if stream == nil, let first = path.first, variables.contains(first) { read.insert(first) }
            }
            return nil
        }
        guard read.count == 1, let v = read.first, let i = variables.firstIndex(of: v) else {
            throw PlanError(.invalid, "a measures aggregate reads one pattern variable: \(call)")
        }
        var c = ExprCompiler(streams: [StreamBinding(alias: v, type: type, slot: 0)], tupled: false, defaultStream: 0)
        c.tables = env.tables
        c.variables = env.variables
        return Aggregate(kind: call.kind, variable: i, argument: try c.compileRow(argument, clause: "measures"))
    }

    /// Whether variable `v` accepts `event` in `attempt` (earlier variables' latest events, the partition's
    /// previous events `recent`, newest last).
    func accepts(
        _ v: Int,
        _ event: EngineEvent,
        _ attempt: MatchRecognizeFront.Attempt,
        _ recent: [EngineEvent]
    ) -> Bool {
        guard let condition = self.defines[v] else { return true }
        var parts: [EngineEvent?] = attempt.events.map(\.last)
        parts[v] = event
        for k in 0..<self.prevDepth { parts.append(k < recent.count ? recent[recent.count - 1 - k] : nil) }
        self.context.event = EngineEvent(type: self.tupleType, timestamp: event.timestamp, body: .tuple(parts))
        return condition(self.context).isTrue
    }

    /// The measures of a completed match.
    func measure(_ m: MatchRecognizeFront.Attempt) -> [Value] {
        var values: [Value] = []
        for a in self.aggregates {
            let events = a.variable.map { m.events[$0] } ?? m.events.flatMap { $0 }
            guard let argument = a.argument else {
                values.append(.int(Int64(events.count)))
                continue
            }
            let inputs = events.map { e -> Value in
                self.argumentContext.event = e
                return argument(self.argumentContext)
            }
            values.append(Self.aggregate(a.kind, inputs))
        }
        var parts: [EngineEvent?] = m.events.map(\.last)
        parts.append(EngineEvent(type: self.aggregateType, timestamp: 0, body: .row(values)))
        let ctx = self.context
        ctx.event = EngineEvent(type: self.measureTupleType, timestamp: 0, body: .tuple(parts))
        return self.measures.map { $0(ctx) }
    }

    /// `kind` over `values` (nulls ignored; first and last take them as they are).
    private static func aggregate(_ kind: AggregateKind, _ values: [Value]) -> Value {
        let present = values.filter { !$0.isNull }
        switch kind {
        case .count: return .int(Int64(present.count))
        case .first: return values.first ?? .null
        case .last: return values.last ?? .null
        case .sum, .avg:
            guard !present.isEmpty else { return .null }
            if kind == .sum, present.allSatisfy({ if case .int = $0 { return true } else { return false } }) {
                return .int(present.reduce(Int64(0)) { $0 &+ ($1.intValue ?? 0) })
            }
            let total = present.reduce(0.0) { $0 + ($1.doubleValue ?? 0) }
            return .double(kind == .sum ? total : total / Double(present.count))
        case .min, .max:
            var best: Value?
            for v in present {
                guard let b = best else {
                    best = v
                    continue
                }
                if let order = Value.eplCompare(v, b),
                    kind == .min ? order == .orderedAscending : order == .orderedDescending
                {
                    best = v
                }
            }
            return best ?? .null
        default: return .null
        }
    }
}
