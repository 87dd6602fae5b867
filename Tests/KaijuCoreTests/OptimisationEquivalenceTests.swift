import Testing

@testable import KaijuCore

/// The engine's output-neutral optimisations — `every a -> b` on ``EveryFollowedByMatcher``, `output last`
/// rows built only when released — must produce exactly what the plain engine produces: each test runs
/// the same pseudo-random stream on the virtual clock with and without them and compares.
struct OptimisationEquivalenceTests {
    /// `count` events of `S`, keys k0...k5 or null, values 0..<100, `spacing` ms apart.
    private func feed(_ r: Runtime, count: Int, spacing: Int64 = 1) throws {
        var seed: UInt64 = 42
        func next(_ n: UInt64) -> Int64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((seed >> 33) % n)
        }
        for i in 0..<count {
            let key = next(7)
            let k: Value = key == 6 ? .null : .string("k\(key)")
            try r.send(row: [k, .int(next(100))], type: "S", timestamp: Int64(i) * spacing)
        }
    }

    private func atom(_ tag: String, _ filter: ExprNode? = nil) -> PatternNode {
        .atom(tag: tag, type: "S", filter: filter)
    }
    private func p(_ tag: String, _ column: String) -> ExprNode { .property(stream: tag, path: [column]) }

    /// Rows, live instances and drops of `pattern` over a stream of `count` events, on one engine.
    private func run(
        _ pattern: PatternNode,
        specialised: Bool,
        limit: Int,
        count: Int
    ) throws -> (rows: [String], live: Int, dropped: Int, usedSpecialised: Bool) {
        let r = try makeRuntime(limits: RuntimeLimits(maxPatternInstances: limit))
        r.optimises = specialised
        let c = Collector()
        let select: [StatementPlan.SelectItem] = [
            col(self.p("a", "k"), "ak"), col(self.p("a", "v"), "av"), col(self.p("b", "k"), "bk"),
            col(self.p("b", "v"), "bv"),
        ]
        try r.add(
            StatementPlan(streams: [StreamSpec(.pattern(pattern))], select: select),
            name: "P",
            listener: c.listener
        )
        try self.feed(r, count: count)
        let info = try #require(r.statementInfos.first)
        return (
            c.take(), info.patternInstances, info.patternInstancesDropped,
            r.patternMatcher(of: "P") is EveryFollowedByMatcher
        )
    }

    private func expectSameAsGeneralEngine(_ pattern: PatternNode, limit: Int = 1_000_000, count: Int = 3_000) throws {
        let general = try self.run(pattern, specialised: false, limit: limit, count: count)
        let fast = try self.run(pattern, specialised: true, limit: limit, count: count)
        #expect(fast.usedSpecialised && !general.usedSpecialised)
        #expect(!general.rows.isEmpty)
        #expect(fast.rows == general.rows)
        #expect(fast.live == general.live)
        #expect(fast.dropped == general.dropped)
    }

    @Test func keyedCorrelationMatchesTheGeneralEngine() throws {
        try self.expectSameAsGeneralEngine(
            .followedBy(.every(self.atom("a")), self.atom("b", .binary(.equal, self.p("b", "k"), self.p("a", "k"))))
        )
    }

    @Test func keyedCorrelationWithAResidualFilterMatchesTheGeneralEngine() throws {
        let filter = ExprNode.binary(
            .and,
            .binary(.equal, self.p("b", "k"), self.p("a", "k")),
            .binary(.greater, self.p("b", "v"), self.p("a", "v"))
        )
        try self.expectSameAsGeneralEngine(
            .followedBy(.every(self.atom("a", .binary(.less, self.p("a", "v"), lit(50)))), self.atom("b", filter))
        )
    }

    /// `b`'s key of an event differs from its key as an `a`, so a completed chain's slot is freed, not reused.
    @Test func keyedCorrelationOnDifferentKeysMatchesTheGeneralEngine() throws {
        let filter = ExprNode.binary(
            .equal,
            .binary(.modulo, self.p("b", "v"), lit(7)),
            .binary(.modulo, self.p("a", "v"), lit(5))
        )
        try self.expectSameAsGeneralEngine(.followedBy(.every(self.atom("a")), self.atom("b", filter)))
    }

    @Test func unindexedCorrelationMatchesTheGeneralEngine() throws {
        let filter = ExprNode.binary(.greater, self.p("b", "v"), .binary(.add, self.p("a", "v"), lit(60)))
        try self.expectSameAsGeneralEngine(.followedBy(.every(self.atom("a")), self.atom("b", filter)), count: 800)
    }

    @Test func instanceLimitDropsTheSameInstances() throws {
        try self.expectSameAsGeneralEngine(
            .followedBy(.every(self.atom("a")), self.atom("b", .binary(.equal, self.p("b", "k"), self.p("a", "k")))),
            limit: 4
        )
    }

    // MARK: - Deferred `output last` rows

    /// Rows of `plan` over 2 000 events 3 ms apart (a 10 ms window retires and recreates groups).
    private func outputs(_ plan: StatementPlan, optimised: Bool) throws -> [String] {
        let r = try makeRuntime()
        r.optimises = optimised
        let c = Collector()
        try r.add(plan, name: "G", listener: c.listener)
        try self.feed(r, count: 2_000, spacing: 3)
        r.advance(to: 10_000)
        return c.take()
    }

    private func lastRows(every trigger: OutputSpec.Trigger, having: ExprNode? = nil) -> StatementPlan {
        StatementPlan(
            from: .init("S"),
            windows: [.time(.milliseconds(10))],
            select: [
                col(prop("k"), "k"), col(agg(.sum, prop("v")), "sum"), col(agg(.count), "n"),
                col(agg(.last, prop("v")), "last"), col(.currentTimestamp, "at"),
            ],
            groupBy: [prop("k")],
            having: having,
            output: OutputSpec(.last, every: trigger)
        )
    }

    @Test func deferredLastRowsPerPeriodMatchEagerRows() throws {
        let plan = self.lastRows(every: .time(.milliseconds(25)))
        let eager = try self.outputs(plan, optimised: false)
        #expect(eager.count > 500)
        #expect(try self.outputs(plan, optimised: true) == eager)
    }

    @Test func deferredLastRowsPerEventCountMatchEagerRows() throws {
        let plan = self.lastRows(every: .events(7))
        let eager = try self.outputs(plan, optimised: false)
        #expect(eager.count > 500)
        #expect(try self.outputs(plan, optimised: true) == eager)
    }

    @Test func rowsFilteredByHavingAreNotDeferredAndMatchEagerRows() throws {
        let plan = self.lastRows(
            every: .time(.milliseconds(25)),
            having: .binary(.greater, agg(.sum, prop("v")), lit(100))
        )
        let eager = try self.outputs(plan, optimised: false)
        #expect(eager.count > 100)
        #expect(try self.outputs(plan, optimised: true) == eager)
    }
}
