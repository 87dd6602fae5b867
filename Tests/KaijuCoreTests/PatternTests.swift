import KaijuCore
import Testing

/// Pattern operators on the schema S(k string, v long), exact outputs on the virtual clock.
struct PatternTests {
    private func atom(_ tag: String?, _ filter: ExprNode? = nil) -> PatternNode {
        .atom(tag: tag, type: "S", filter: filter)
    }
    private func k(_ tag: String, _ value: String) -> ExprNode {
        .binary(.equal, .property(stream: tag, path: ["k"]), lit(.string(value)))
    }

    private func run(
        _ pattern: PatternNode,
        select: [StatementPlan.SelectItem] = [.wildcard],
        _ feed: (Runtime) throws -> Void
    ) throws -> [String] {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(streams: [StreamSpec(.pattern(pattern))], select: select),
            name: "P",
            listener: c.listener
        )
        try feed(r)
        return c.take()
    }

    @Test func followedByWithoutEveryMatchesOnceAndSelectStarGivesTheTags() throws {
        let out = try self.run(.followedBy(self.atom("a", self.k("a", "x")), self.atom("b", self.k("b", "y")))) { r in
            try r.s("y", 0, at: 1)
            try r.s("x", 1, at: 2)
            try r.s("x", 2, at: 3)
            try r.s("y", 3, at: 4)
            try r.s("y", 4, at: 5)
        }
        #expect(out == [#"4 P {"a":{"k":"x","v":1},"b":{"k":"y","v":3}}"#])
    }

    @Test func everyOnTheLeftStartsOneWaitPerEventAndTheTriggerDoesNotSeeItself() throws {
        let select: [StatementPlan.SelectItem] = [col(prop("a", "v"), "a"), col(prop("b", "v"), "b")]
        let out = try self.run(.followedBy(.every(self.atom("a")), self.atom("b")), select: select) { r in
            try r.s("x", 1, at: 1)
            try r.s("x", 2, at: 2)
            try r.s("x", 3, at: 3)
        }
        #expect(out == [#"2 P {"a":1,"b":2}"#, #"3 P {"a":2,"b":3}"#])
    }

    @Test func everyAroundTheWholeFollowedByRestartsOnlyAfterAMatch() throws {
        let select: [StatementPlan.SelectItem] = [col(prop("a", "v"), "a"), col(prop("b", "v"), "b")]
        let out = try self.run(
            .every(.followedBy(self.atom("a", self.k("a", "x")), self.atom("b", self.k("b", "y")))),
            select: select
        ) { r in
            try r.s("x", 1, at: 1)
            try r.s("x", 2, at: 2)  // the wait for b is already running: ignored
            try r.s("y", 3, at: 3)
            try r.s("x", 4, at: 4)
            try r.s("y", 5, at: 5)
        }
        #expect(out == [#"3 P {"a":1,"b":3}"#, #"5 P {"a":4,"b":5}"#])
    }

    @Test func notFollowedByWithinAnIntervalDetectsAbsence() throws {
        // every a=S(k='x') -> (timer:interval(10 msec) and not b=S(k='y'))
        let absent = PatternNode.followedBy(
            .every(self.atom("a", self.k("a", "x"))),
            .and([.interval(.milliseconds(10)), .not(self.atom("b", self.k("b", "y")))])
        )
        let out = try self.run(absent, select: [col(prop("a", "v"), "missing")]) { r in
            try r.s("x", 1, at: 0)
            try r.s("y", 2, at: 5)  // answers the first x
            try r.s("x", 3, at: 20)  // unanswered
            r.advance(to: 100)
        }
        #expect(out == [#"30 P {"missing":3}"#])
    }

    @Test func orTakesTheFirstOperandToMatch() throws {
        let out = try self.run(
            .or([self.atom("a", self.k("a", "x")), self.atom("b", self.k("b", "y"))]),
            select: [col(prop("a", "v"), "a"), col(prop("b", "v"), "b")]
        ) { r in
            try r.s("y", 1, at: 1)
            try r.s("x", 2, at: 2)
        }
        #expect(out == [#"1 P {"a":null,"b":1}"#])
    }

    @Test func withinEndsAWaitAndEveryRestartsIt() throws {
        let out = try self.run(
            .every(.within(.milliseconds(10), self.atom("a", self.k("a", "x")))),
            select: [col(prop("a", "v"), "v")]
        ) { r in
            try r.s("x", 1, at: 5)
            try r.s("x", 2, at: 50)
            r.advance(to: 200)
        }
        #expect(out == [#"5 P {"v":1}"#, #"50 P {"v":2}"#])
        // A tag inside a repeat binds one event per repetition: `[2] a=X` reads as `a[0]`, `a[1]`.
        let repeated = try self.run(
            .repeatCount(2, self.atom("a")),
            select: [
                col(.tableGet(table: "a", keys: [.literal(.int(0))], column: "v"), "first"),
                col(.tableGet(table: "a", keys: [.literal(.int(1))], column: "v"), "second"),
            ]
        ) { r in
            try r.s("x", 1, at: 5)
            try r.s("y", 2, at: 6)
            try r.s("z", 3, at: 7)
        }
        #expect(repeated == [#"6 P {"first":1,"second":2}"#])
    }

    @Test func patternOutputFeedsWindowsAndAggregates() throws {
        let r = try makeRuntime()
        let c = Collector()
        var plan = StatementPlan(
            streams: [StreamSpec(.pattern(.followedBy(.every(self.atom("a")), self.atom("b"))), windows: [.length(2)])],
            select: [col(agg(.sum, .binary(.subtract, prop("b", "v"), prop("a", "v"))), "gaps")]
        )
        plan.output = nil
        try r.add(plan, name: "P", listener: c.listener)
        for (i, v) in [1, 4, 9, 16].enumerated() { try r.s("x", Int64(v), at: Int64(i)) }
        #expect(c.take() == [#"1 P {"gaps":3}"#, #"2 P {"gaps":8}"#, #"3 P {"gaps":12}"#])
    }
}
