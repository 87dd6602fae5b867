import Testing

@testable import KaijuCore

/// group by, having, and output rate limiting with Esper's semantics.
struct GroupByOutputTests {
    func plan(_ output: OutputSpec?, window: WindowSpec = .time(.seconds(10)), having: ExprNode? = nil) -> StatementPlan
    {
        StatementPlan(
            from: .init("S"),
            windows: [window],
            select: [col(prop("k"), "k"), col(agg(.avg, prop("v")), "avg"), col(agg(.count), "n")],
            groupBy: [prop("k")],
            having: having,
            output: output
        )
    }

    @Test func groupByEmitsARowPerTouchedGroupIncludingOnExpiry() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(self.plan(nil), name: "G", listener: c.listener)
        try r.s("a", 2, at: 0)
        try r.s("b", 4, at: 1_000)
        try r.s("a", 6, at: 2_000)
        r.advance(to: 12_000)
        #expect(
            c.take() == [
                #"0 G {"k":"a","avg":2.0,"n":1}"#, #"1000 G {"k":"b","avg":4.0,"n":1}"#,
                #"2000 G {"k":"a","avg":4.0,"n":2}"#,
                #"10000 G {"k":"a","avg":6.0,"n":1}"#, #"11000 G {"k":"b","avg":null,"n":0}"#,
                #"12000 G {"k":"a","avg":null,"n":0}"#,
            ]
        )
        #expect(r.statementInfos[0].groups == 0)
    }

    @Test func windowEntriesReusedAfterLeavingCarryNothingOfTheirFormerEvent() throws {
        // #length(2): every event from the third on pushes one out, whose entry is reused for the next event
        // (in another group): its group, order and liveness must be the new event's.
        let r = try makeRuntime()
        let c = Collector()
        try r.add(self.plan(nil, window: .length(2)), name: "G", listener: c.listener)
        for (i, (k, v)) in [("a", 1), ("b", 2), ("c", 3), ("a", 4), ("b", 5)].enumerated() {
            try r.s(k, Int64(v), at: Int64(i) * 1_000)
        }
        #expect(
            c.take() == [
                #"0 G {"k":"a","avg":1.0,"n":1}"#, #"1000 G {"k":"b","avg":2.0,"n":1}"#,
                #"2000 G {"k":"c","avg":3.0,"n":1}"#, #"2000 G {"k":"a","avg":null,"n":0}"#,
                #"3000 G {"k":"a","avg":4.0,"n":1}"#, #"3000 G {"k":"b","avg":null,"n":0}"#,
                #"4000 G {"k":"b","avg":5.0,"n":1}"#, #"4000 G {"k":"c","avg":null,"n":0}"#,
            ]
        )
        #expect(r.statementInfos[0].groups == 2)
    }

    @Test func groupByOverSeveralExpressions() throws {
        let r = try makeRuntime()
        let c = Collector()
        let plan = StatementPlan(
            from: .init("S"),
            select: [col(prop("k"), "k"), col(.binary(.greater, prop("v"), lit(1)), "big"), col(agg(.count), "n")],
            groupBy: [prop("k"), .binary(.greater, prop("v"), lit(1))]
        )
        try r.add(plan, name: "G", listener: c.listener)
        try r.s("a", 1, at: 0)
        try r.s("a", 2, at: 0)
        try r.s("a", 3, at: 0)
        #expect(
            c.take() == [
                #"0 G {"k":"a","big":false,"n":1}"#, #"0 G {"k":"a","big":true,"n":1}"#,
                #"0 G {"k":"a","big":true,"n":2}"#,
            ]
        )
    }

    @Test func outputLastEveryPeriodStartsAtTheFirstResultAndKeepsTheLastRowOfEachChangedGroup() throws {
        let r = Runtime(clock: .virtual(startingAt: 0))
        try r.declare(SchemaDeclaration("S", columns: [Column("k", .string), Column("v", .long)]))
        let c = Collector()
        try r.add(self.plan(OutputSpec(.last, every: .time(.seconds(5)))), name: "G", listener: c.listener)
        r.advance(to: 3_000)  // statement created at 0; nothing yet
        try r.s("a", 2, at: 3_000)  // first result: periods end at 8 s, 13 s, 18 s, ...
        try r.s("a", 4, at: 4_000)
        try r.s("b", 1, at: 7_999)
        try r.s("b", 3, at: 8_000)  // after the 8 s period closed
        r.advance(to: 30_000)
        #expect(
            c.take() == [
                #"8000 G {"k":"a","avg":3.0,"n":2}"#, #"8000 G {"k":"b","avg":1.0,"n":1}"#,
                // held in the order first touched in the period: b (b@8 s entered), then a (a@3 s left at 13 s)
                #"13000 G {"k":"b","avg":2.0,"n":2}"#, #"13000 G {"k":"a","avg":4.0,"n":1}"#,
                // emptied groups report null
                #"18000 G {"k":"a","avg":null,"n":0}"#, #"18000 G {"k":"b","avg":null,"n":0}"#,
            ]
        )
    }

    @Test func outputFirstLetsTheFirstRowOfEachGroupThroughAtOnce() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            self.plan(OutputSpec(.first, every: .time(.seconds(5))), window: .keepAll),
            name: "G",
            listener: c.listener
        )
        try r.s("a", 2, at: 0)
        try r.s("a", 4, at: 1_000)
        try r.s("b", 6, at: 2_000)
        try r.s("a", 8, at: 5_000)  // a new period began at 5 s
        try r.s("a", 1, at: 6_000)
        #expect(
            c.take() == [
                #"0 G {"k":"a","avg":2.0,"n":1}"#, #"2000 G {"k":"b","avg":6.0,"n":1}"#,
                #"5000 G {"k":"a","avg":4.666666666666667,"n":3}"#,
            ]
        )
    }

    @Test func outputAllHoldsEveryRowUntilThePeriodEnds() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(
                from: .init("S"),
                select: [col(prop("v"), "v")],
                output: OutputSpec(.all, every: .time(.seconds(10)))
            ),
            name: "P",
            listener: c.listener
        )
        try r.s("a", 1, at: 1_000)
        try r.s("a", 2, at: 2_000)
        try r.s("a", 3, at: 11_000)
        r.advance(to: 40_000)
        #expect(c.take() == [#"11000 P {"v":1}"#, #"11000 P {"v":2}"#, #"21000 P {"v":3}"#])
    }

    @Test func outputEveryNEvents() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(self.plan(OutputSpec(.last, every: .events(3)), window: .keepAll), name: "G", listener: c.listener)
        for (i, k) in ["a", "b", "a", "a", "b", "b", "a"].enumerated() { try r.s(k, Int64(i), at: Int64(i)) }
        #expect(
            c.take() == [
                #"2 G {"k":"a","avg":1.0,"n":2}"#, #"2 G {"k":"b","avg":1.0,"n":1}"#,
                #"5 G {"k":"a","avg":1.6666666666666667,"n":3}"#, #"5 G {"k":"b","avg":3.3333333333333335,"n":3}"#,
            ]
        )
    }

    @Test func ungroupedOutputLastKeepsTheLastRow() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(
                from: .init("S"),
                windows: [.time(.minutes(1))],
                select: [col(agg(.count), "n")],
                output: OutputSpec(.last, every: .time(.minutes(1)))
            ),
            name: "C",
            listener: c.listener
        )
        for t in stride(from: Int64(0), to: 120_000, by: 20_000) { try r.s("a", 1, at: t) }
        r.advance(to: 200_000)
        // at 60 s the event of 0 s leaves before the period closes: 60 s row is n=2 (20 s, 40 s)
        #expect(c.take() == [#"60000 C {"n":2}"#, #"120000 C {"n":2}"#, #"180000 C {"n":0}"#])
    }

    @Test func havingFiltersGroups() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            self.plan(nil, window: .keepAll, having: .binary(.greaterOrEqual, agg(.count), lit(2))),
            name: "G",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.s("b", 1, at: 0)
        try r.s("a", 3, at: 0)
        #expect(c.take() == [#"0 G {"k":"a","avg":2.0,"n":2}"#])
    }

    @Test func groupLimitIsEnforcedAndCounted() throws {
        let r = try makeRuntime(limits: RuntimeLimits(maxGroups: 1))
        let c = Collector()
        try r.add(self.plan(nil, window: .keepAll), name: "G", listener: c.listener)
        try r.s("a", 1, at: 0)
        try r.s("b", 1, at: 0)
        #expect(c.take() == [#"0 G {"k":"a","avg":1.0,"n":1}"#])
        #expect(r.statementInfos[0].groupOverflows == 1)
    }
}
