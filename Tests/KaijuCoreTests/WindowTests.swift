import Testing

@_spi(Engine) @testable import KaijuCore

/// Every window kind, on the virtual clock, with exact rows and times.
struct WindowTests {
    let countAndSum: [StatementPlan.SelectItem] = [col(agg(.count), "n"), col(agg(.sum, prop("v")), "s")]

    @Test func timeWindowExpiresAtExactlyTPlusPeriodBeforeSameMillisecondArrivals() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.time(.seconds(10))], select: self.countAndSum),
            name: "W",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.s("a", 2, at: 5_000)
        r.advance(to: 9_999)
        #expect(c.take() == [#"0 W {"n":1,"s":1}"#, #"5000 W {"n":2,"s":3}"#])
        try r.s("a", 4, at: 10_000)  // the event of t=0 leaves first, then this one enters
        #expect(c.take() == [#"10000 W {"n":1,"s":2}"#, #"10000 W {"n":2,"s":6}"#])
        r.advance(to: 30_000)
        #expect(c.take() == [#"15000 W {"n":1,"s":4}"#, #"20000 W {"n":0,"s":null}"#])
    }

    @Test func eventsOfTheSameMillisecondAreKeptInArrivalOrder() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(
                from: .init("S"),
                windows: [.time(.seconds(1))],
                select: [col(agg(.first, prop("v")), "f"), col(agg(.last, prop("v")), "l"), col(agg(.count), "n")]
            ),
            name: "W",
            listener: c.listener
        )
        try r.s("a", 1, at: 100)
        try r.s("a", 2, at: 100)
        try r.s("a", 3, at: 100)
        r.advance(to: 1_100)
        #expect(
            c.take() == [
                #"100 W {"f":1,"l":1,"n":1}"#, #"100 W {"f":1,"l":2,"n":2}"#, #"100 W {"f":1,"l":3,"n":3}"#,
                #"1100 W {"f":null,"l":null,"n":0}"#,
            ]
        )
    }

    @Test func lengthWindowKeepsTheLastN() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.length(2)], select: self.countAndSum),
            name: "W",
            listener: c.listener
        )
        for (i, v) in [1, 2, 3, 10].enumerated() { try r.s("a", Int64(v), at: Int64(i)) }
        // On the third event, the first leaves in the same update: one row with both applied.
        #expect(
            c.take() == [#"0 W {"n":1,"s":1}"#, #"1 W {"n":2,"s":3}"#, #"2 W {"n":2,"s":5}"#, #"3 W {"n":2,"s":13}"#]
        )
    }

    @Test func lastEventKeepsOne() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.lastEvent], select: self.countAndSum),
            name: "W",
            listener: c.listener
        )
        try r.s("a", 5, at: 0)
        try r.s("b", 7, at: 1)
        #expect(c.take() == [#"0 W {"n":1,"s":5}"#, #"1 W {"n":1,"s":7}"#])
        #expect(r.windowContents(of: "W").map { $0.property("k") } == ["b"])
    }

    @Test func uniqueKeepsTheLatestPerKey() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.unique([prop("k")])], select: self.countAndSum),
            name: "W",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.s("b", 2, at: 1)
        try r.s("a", 5, at: 2)
        #expect(c.take() == [#"0 W {"n":1,"s":1}"#, #"1 W {"n":2,"s":3}"#, #"2 W {"n":2,"s":7}"#])
        #expect(r.windowContents(of: "W").map { $0.property("v") } == [2, 5])
    }

    @Test func chainedWindowsIntersect() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(
                from: .init("S"),
                windows: [.unique([prop("k")]), .time(.seconds(10))],
                select: self.countAndSum
            ),
            name: "W",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.s("a", 2, at: 5_000)  // replaces a=1 in unique: it leaves the intersection now
        try r.s("b", 3, at: 6_000)
        r.advance(to: 20_000)  // a=1's time expiry at 10 s is moot; a=2 leaves at 15 s, b at 16 s
        #expect(
            c.take() == [
                #"0 W {"n":1,"s":1}"#, #"5000 W {"n":1,"s":2}"#, #"6000 W {"n":2,"s":5}"#,
                #"15000 W {"n":1,"s":3}"#, #"16000 W {"n":0,"s":null}"#,
            ]
        )
    }

    @Test func firstWindowsKeepTheFirstEventsAndLetNoOtherIn() throws {
        let r = try makeRuntime()
        r.advance(to: 1_000)  // the statements start at 1 s: #firsttime(2 sec) lets in what arrives before 3 s
        let c = Collector()
        for (name, window) in [
            ("L", WindowSpec.firstLength(2)), ("U", .firstUnique([prop("k")])), ("T", .firstTime(.seconds(2))),
        ] {
            try r.add(
                StatementPlan(from: .init("S"), windows: [window], select: self.countAndSum),
                name: name,
                listener: c.listener
            )
        }
        try r.s("a", 1, at: 1_000)
        try r.s("a", 2, at: 2_000)
        try r.s("b", 4, at: 2_999)
        try r.s("b", 8, at: 3_000)
        #expect(
            c.take() == [
                #"1000 L {"n":1,"s":1}"#, #"1000 U {"n":1,"s":1}"#, #"1000 T {"n":1,"s":1}"#,
                #"2000 L {"n":2,"s":3}"#, #"2000 T {"n":2,"s":3}"#,
                #"2999 U {"n":2,"s":5}"#, #"2999 T {"n":3,"s":7}"#,
            ]
        )
    }

    @Test func timeBatchPostsBatchesAlignedToTheFirstEvent() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.timeBatch(.seconds(10))], select: self.countAndSum),
            name: "W",
            listener: c.listener
        )
        try r.s("a", 1, at: 1_000)
        try r.s("a", 2, at: 3_000)
        try r.s("a", 4, at: 12_000)
        r.advance(to: 60_000)
        // Batches close at 11 s, 21 s; at 31 s the empty batch posts the last one as removed; then it stops.
        #expect(c.take() == [#"11000 W {"n":2,"s":3}"#, #"21000 W {"n":1,"s":4}"#, #"31000 W {"n":0,"s":null}"#])
        try r.s("a", 8, at: 65_000)  // the next batch keeps the alignment: it closes at 71 s
        r.advance(to: 80_000)
        #expect(c.take() == [#"71000 W {"n":1,"s":8}"#])
    }

    @Test func timeBatchWithoutAggregatesPostsTheEvents() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.timeBatch(.seconds(5))], select: [col(prop("v"), "v")]),
            name: "W",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.s("a", 2, at: 4_999)
        try r.s("a", 3, at: 5_000)
        r.advance(to: 10_000)
        #expect(c.take() == [#"5000 W {"v":1}"#, #"5000 W {"v":2}"#, #"10000 W {"v":3}"#])
    }

    @Test func lengthBatchPostsEveryN() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.lengthBatch(2)], select: self.countAndSum),
            name: "W",
            listener: c.listener
        )
        for (i, v) in [1, 2, 3, 4, 5].enumerated() { try r.s("a", Int64(v), at: Int64(i)) }
        // The second batch replaces the first: 1+2 leave, 3+4 enter.
        #expect(c.take() == [#"1 W {"n":2,"s":3}"#, #"3 W {"n":2,"s":7}"#])
    }

    @Test func keepAllNeverRemoves() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.keepAll], select: self.countAndSum),
            name: "W",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.s("a", 2, at: 1_000_000)
        r.advance(to: 10_000_000)
        #expect(c.take() == [#"0 W {"n":1,"s":1}"#, #"1000000 W {"n":2,"s":3}"#])
    }

    @Test func plainSelectEmitsEachEnteringEventOnly() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(StatementPlan(from: .init("S"), windows: [.time(.seconds(1))]), name: "W", listener: c.listener)
        try r.s("a", 1, at: 0)
        r.advance(to: 5_000)
        #expect(c.take() == [#"0 W {"k":"a","v":1}"#])
    }

    @Test func windowLimitPushesOutTheOldestAndCountsIt() throws {
        let r = try makeRuntime(limits: RuntimeLimits(maxWindowEvents: 2))
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.time(.minutes(1))], select: self.countAndSum),
            name: "W",
            listener: c.listener
        )
        for v in [1, 2, 3] { try r.s("a", Int64(v), at: 0) }
        #expect(c.take() == [#"0 W {"n":1,"s":1}"#, #"0 W {"n":2,"s":3}"#, #"0 W {"n":2,"s":5}"#])
        #expect(r.statementInfos[0].windowEvictions == 1)
        #expect(throws: PlanError(.limit, "window size 3 exceeds the limit of 2 events")) {
            try r.add(StatementPlan(from: .init("S"), windows: [.length(3)]))
        }
    }
}
