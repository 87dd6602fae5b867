/// Plans a join: for each arriving stream, the order to visit the others and, where `where` equates
/// a column of the next stream with values already bound, a hash index to look it up in.
struct JoinPlanner {
    let bindings: [StreamBinding]
    let compiler: ExprCompiler
    let tables: [String: Table]
    /// Streams read by scanning (named windows: their windows change without the join knowing).
    var unindexed: Set<Int> = []

    func front(
        filters: [CompiledExpr?],
        stages: [WindowStage],
        context: EvalContext,
        whereClause: ExprNode?
    ) throws(PlanError) -> JoinFront {
        // `whereClause` here only chooses hash lookups; the statement applies its `where` itself.
        // Each equality conjunct with the streams its two sides read, worked out once.
        let equalities: [(l: ExprNode, r: ExprNode, lr: Set<Int>, rr: Set<Int>)] = (whereClause?.conjuncts ?? [])
            .compactMap { c in
                guard case .binary(.equal, let l, let r) = c else { return nil }
                return (l, r, self.compiler.streamsRead(by: l), self.compiler.streamsRead(by: r))
            }
        var compiler = self.compiler
        var indexes: [[JoinIndex]] = Array(repeating: [], count: self.bindings.count)
        var plans: [[JoinFront.Step]] = []
        for i in self.bindings.indices {
            var bound: Set<Int> = [i]
            var steps: [JoinFront.Step] = []
            for j in self.bindings.indices where j != i {
                let equalities =
                    self.unindexed.contains(j)
                    ? [] : equalities.compactMap { e in Self.equality(e, next: j, bound: bound) }
                defer { bound.insert(j) }
                guard !equalities.isEmpty else {
                    steps.append(JoinFront.Step(stream: j, index: nil, probe: []))
                    continue
                }
                let signature = equalities.map(\.0.description).joined(separator: "|")
                let ix: Int
                if let existing = indexes[j].firstIndex(where: { $0.signature == signature }) {
                    ix = existing
                } else {
                    var own = ExprCompiler(streamType: self.bindings[j].type, alias: self.bindings[j].alias)
                    own.tables = self.tables
                    own.variables = self.compiler.variables
                    var keys: [CompiledExpr] = []
                    for (l, _) in equalities { keys.append(try own.compileRow(l, clause: "a join key")) }
                    indexes[j].append(JoinIndex(keys: keys, signature: signature))
                    ix = indexes[j].count - 1
                }
                var probe: [CompiledExpr] = []
                for (_, r) in equalities { probe.append(try compiler.compileRow(r, clause: "a join key")) }
                steps.append(JoinFront.Step(stream: j, index: ix, probe: probe))
            }
            plans.append(steps)
        }
        // A pattern stream has no single type it reads; its input types come from its matcher (`JoinFront.feed`).
        let streams = self.bindings.indices.map {
            JoinFront.Stream(type: self.bindings[$0].type, filter: filters[$0], stage: stages[$0], indexes: indexes[$0])
        }
        let tupleType = EventType.tuple("join", aliases: self.bindings.map { $0.alias ?? "" })
        return JoinFront(streams: streams, plans: plans, tupleType: tupleType, context: context)
    }

    /// `(side reading only stream next, side reading only bound streams)` of an equality conjunct.
    private static func equality(
        _ e: (l: ExprNode, r: ExprNode, lr: Set<Int>, rr: Set<Int>),
        next: Int,
        bound: Set<Int>
    ) -> (ExprNode, ExprNode)? {
        if e.lr == [next], !e.rr.isEmpty, e.rr.isSubset(of: bound) { return (e.l, e.r) }
        if e.rr == [next], !e.lr.isEmpty, e.lr.isSubset(of: bound) { return (e.r, e.l) }
        return nil
    }
}
