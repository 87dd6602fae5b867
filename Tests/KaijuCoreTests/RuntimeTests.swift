import Testing

@testable import KaijuCore

struct RuntimeTests {
    @Test func statementsCanBeAddedAndRemovedWhileRunning() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), windows: [.time(.seconds(10))], select: [col(agg(.count), "n")]),
            name: "A",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.add(StatementPlan(from: .init("S"), select: [col(prop("v"), "v")]), name: "B", listener: c.listener)
        try r.s("a", 2, at: 1_000)
        #expect(r.remove(statement: "A"))
        #expect(!r.remove(statement: "A"))
        try r.s("a", 3, at: 2_000)
        r.advance(to: 20_000)  // A's pending expiry timers are ignored
        #expect(c.take() == [#"0 A {"n":1}"#, #"1000 A {"n":2}"#, #"1000 B {"v":2}"#, #"2000 B {"v":3}"#])
        #expect(r.statementInfos.map(\.name) == ["B"])
        #expect(throws: PlanError(.duplicate, "a statement named 'B' already exists", subject: "B")) {
            try r.add(StatementPlan(from: .init("S")), name: "B")
        }
    }

    @Test func timersFireAtTheirOwnTimeInOrder() throws {
        let r = try makeRuntime()
        var seen: [(Int64, Int64)] = []
        try r.add(StatementPlan(from: .init("S"), windows: [.time(.seconds(1))], select: [col(agg(.count), "n")])) {
            out in
            seen.append((out.time, out.rows[0]["n"]!.intValue!))
        }
        try r.s("a", 1, at: 0)
        try r.s("a", 1, at: 300)
        try r.s("a", 1, at: 600)
        r.advance(to: 10_000)
        #expect(seen.map(\.0) == [0, 300, 600, 1_000, 1_300, 1_600])
        #expect(seen.map(\.1) == [1, 2, 3, 2, 1, 0])
        #expect(r.now == 10_000)
        #expect(r.nextTimer == nil)
    }

    @Test func aVirtualClockNeverRunsBackwards() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), select: [col(.currentTimestamp, "now"), col(prop("v"), "v")]),
            name: "T",
            listener: c.listener
        )
        try r.s("a", 1, at: 5_000)
        try r.s("a", 2, at: 1_000)  // late event: processed at engine time 5000
        #expect(c.take() == [#"5000 T {"now":5000,"v":1}"#, #"5000 T {"now":5000,"v":2}"#])
    }

    @Test func replayingTheSameInputGivesTheSameOutput() throws {
        func run() throws -> [String] {
            let r = try makeRuntime()
            let c = Collector()
            try r.add(
                StatementPlan(
                    from: .init("S"),
                    windows: [.time(.seconds(3))],
                    select: [col(prop("k"), "k"), col(agg(.avg, prop("v")), "a")],
                    groupBy: [prop("k")],
                    output: OutputSpec(.last, every: .time(.seconds(2)))
                ),
                name: "G",
                listener: c.listener
            )
            for i in 0..<200 { try r.s(["x", "y", "z"][i % 3], Int64(i * 7 % 13), at: Int64(i * 97)) }
            r.advance(to: 40_000)
            return c.take()
        }
        let first = try run()
        #expect(first.count > 20)
        #expect(try run() == first)
    }

    @Test func badStatementsAreRefusedWithAClearMessage() throws {
        let r = try makeRuntime()
        #expect(throws: PlanError(.unknownType, "unknown event type 'Nope'", subject: "Nope")) {
            try r.add(StatementPlan(from: .init("Nope")))
        }
        #expect(throws: PlanError(.unknownProperty, "unknown property 'x' of S (it has: k, v)", subject: "x")) {
            try r.add(StatementPlan(from: .init("S"), select: [col(prop("x"), "x")]))
        }
        #expect(throws: PlanError(.invalid, "aggregate functions are not allowed in where: count(*)>1")) {
            try r.add(StatementPlan(from: .init("S"), where: .binary(.greater, agg(.count), lit(1))))
        }
        #expect(throws: PlanError(.unknownFunction, "unknown function 'nope' in nope(k)", subject: "nope")) {
            try r.add(StatementPlan(from: .init("S"), select: [col(.call("nope", [prop("k")]), "x")]))
        }
        #expect(throws: PlanError(.invalid, "function 'contains' takes 2 argument(s), got 1", subject: "contains")) {
            try r.add(StatementPlan(from: .init("S"), select: [col(.call("contains", [prop("k")]), "x")]))
        }
        #expect(throws: PlanError(.invalid, "a batch window cannot be combined with other windows")) {
            try r.add(StatementPlan(from: .init("S"), windows: [.timeBatch(.seconds(1)), .length(2)]))
        }
        #expect(throws: PlanError(.invalid, "aggregate functions cannot be nested: sum(count(*))")) {
            try r.add(StatementPlan(from: .init("S"), select: [col(agg(.sum, agg(.count)), "x")]))
        }
        #expect(r.statementInfos.isEmpty)
    }
}
