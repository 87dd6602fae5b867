import KaijuCore
import Testing

/// Tables (merge, delete, keyed reads, on-demand queries), joins and contained events.
struct TableJoinContainedTests {
    private func tableRuntime() throws -> Runtime {
        let r = try makeRuntime()
        try r.createTable(
            TableDeclaration(
                "T",
                columns: [Column("k", .string), Column("n", .long), Column("total", .long)],
                primaryKey: ["k"]
            )
        )
        let matchK = ExprNode.binary(.equal, prop("s", "k"), prop("t", "k"))
        try r.add(
            OnPlan(
                on: .type("S", alias: "s"),
                table: "T",
                as: "t",
                where: matchK,
                action: .merge([
                    MergeClause(matched: true, condition: .binary(.less, prop("v"), lit(0)), .delete),
                    MergeClause(
                        matched: true,
                        .update([
                            .init("n", .binary(.add, prop("initial", "n"), lit(1))),
                            // n here is the value just assigned
                            .init("total", .binary(.add, prop("n"), prop("s", "v"))),
                        ])
                    ),
                    MergeClause(
                        matched: false,
                        .insert([col(prop("s", "k"), "k"), col(lit(1), "n"), col(prop("s", "v"), "total")])
                    ),
                ])
            )
        )
        return r
    }

    @Test func mergeInsertsUpdatesInOrderAndDeletes() throws {
        let r = try self.tableRuntime()
        try r.s("a", 10, at: 1)
        try r.s("b", 5, at: 2)
        try r.s("a", 7, at: 3)
        #expect(
            r.rows(ofTable: "T")?.map(\.jsonString) == [#"{"k":"a","n":2,"total":9}"#, #"{"k":"b","n":1,"total":5}"#]
        )
        try r.s("b", -1, at: 4)  // the first matched clause that applies: delete
        #expect(r.rows(ofTable: "T")?.map(\.jsonString) == [#"{"k":"a","n":2,"total":9}"#])
    }

    @Test func anUpdateOfTheKeyColumnMovesTheRowAndKeyedReadsFollowIt() throws {
        let r = try makeRuntime()
        try r.createTable(
            TableDeclaration("T", columns: [Column("k", .string), Column("n", .long)], primaryKey: ["k"])
        )
        try r.add(
            OnPlan(
                on: .type("S", alias: "s"),
                table: "T",
                as: "t",
                where: .binary(.equal, prop("s", "k"), prop("t", "k")),
                action: .merge([
                    MergeClause(
                        matched: true,
                        .update([
                            .init("k", .binary(.concat, prop("initial", "k"), lit("!"))),
                            .init("n", .binary(.add, prop("n"), prop("s", "v"))),
                        ])
                    ),
                    MergeClause(matched: false, .insert([col(prop("s", "k"), "k"), col(prop("s", "v"), "n")])),
                ])
            )
        )
        let c = Collector()
        let read = { (k: String) in col(.tableGet(table: "T", keys: [lit(.string(k))], column: "n"), k) }
        try r.add(StatementPlan(from: .init("S"), select: [read("a"), read("a!")]), name: "R", listener: c.listener)
        try r.s("a", 1, at: 1)  // inserts a
        try r.s("a", 2, at: 2)  // moves a to a! with n = 3
        #expect(r.rows(ofTable: "T")?.map(\.jsonString) == [#"{"k":"a!","n":3}"#])
        #expect(c.take() == [#"1 R {"a":1,"a!":null}"#, #"2 R {"a":null,"a!":3}"#])
    }

    /// Several columns of one row read for one event share a lookup; they still follow updates in
    /// place, deletions and insertions between events.
    @Test func readsOfSeveralColumnsOfOneRowFollowUpdatesDeletesAndInserts() throws {
        let r = try self.tableRuntime()
        let c = Collector()
        let get = { (column: String) in col(.tableGet(table: "T", keys: [prop("s", "k")], column: column), column) }
        try r.add(
            StatementPlan(from: .init("S", alias: "s"), select: [get("n"), get("total")]),
            name: "R",
            listener: c.listener
        )
        try r.s("a", 10, at: 1)  // inserted
        try r.s("a", 5, at: 2)  // updated in place
        try r.s("a", -1, at: 3)  // deleted
        try r.s("a", 4, at: 4)  // inserted again
        #expect(
            c.take() == [
                #"1 R {"n":1,"total":10}"#, #"2 R {"n":2,"total":7}"#, #"3 R {"n":null,"total":null}"#,
                #"4 R {"n":1,"total":4}"#,
            ]
        )
    }

    @Test func keyedReadsOnDemandQueriesAndOnDelete() throws {
        let r = try self.tableRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(
                from: .init("S", alias: "s"),
                select: [col(.tableGet(table: "T", keys: [prop("s", "k")], column: "total"), "before")]
            ),
            name: "R",
            listener: c.listener
        )
        try r.s("a", 10, at: 1)  // R was added after the merge, so it reads the updated row
        #expect(c.take() == [#"1 R {"before":10}"#])
        try r.s("c", 3, at: 2)
        let q = try r.query(
            StatementPlan(
                from: .init("T"),
                where: .binary(.greater, prop("total"), lit(5)),
                select: [col(prop("k"), "k")]
            )
        )
        #expect(q.map(\.jsonString) == [#"{"k":"a"}"#])
        #expect(
            try r.query(StatementPlan(from: .init("T"), select: [col(agg(.sum, prop("total")), "sum")])).map(
                \.jsonString
            ) == [#"{"sum":13}"#]
        )
        try r.add(OnPlan(on: .type("S", filter: .binary(.equal, prop("k"), lit("reset"))), table: "T", action: .delete))
        try r.s("reset", 0, at: 3)
        #expect(r.rows(ofTable: "T")?.isEmpty == true)
        #expect(throws: PlanError.self) { try r.add(StatementPlan(from: .init("T"))) }
    }

    @Test func joinOfTwoLastEventWindowsFiresOnEitherSide() throws {
        let r = try makeRuntime()
        try r.declare(SchemaDeclaration("L", columns: [Column("k", .string), Column("limit", .long)]))
        let c = Collector()
        let plan = StatementPlan(
            streams: [.type("S", alias: "s", windows: [.keepAll]), .type("L", alias: "l", windows: [.lastEvent])],
            where: .binary(
                .and,
                .binary(.equal, prop("s", "k"), prop("l", "k")),
                .binary(.greater, prop("v"), prop("limit"))
            ),
            select: [col(prop("s", "k"), "k"), col(prop("v"), "v"), col(prop("limit"), "limit")]
        )
        try r.add(plan, name: "J", listener: c.listener)
        try r.s("a", 5, at: 1)
        try r.s("b", 50, at: 2)
        try r.send(row: ["a", 3], type: "L", timestamp: 3)  // joins the window of S: only a's 5 > 3
        try r.s("a", 9, at: 4)
        try r.s("b", 90, at: 5)  // the L window holds a's limit only
        #expect(c.take() == [#"3 J {"k":"a","v":5,"limit":3}"#, #"4 J {"k":"a","v":9,"limit":3}"#])
        #expect(throws: PlanError.self) {
            try r.add(StatementPlan(streams: [.type("S", alias: "x"), .type("L", windows: [.lastEvent])]))
        }
    }

    @Test func containedSpansCarryTheirBatchAndEnumerationMethodsReadTags() throws {
        let r = Runtime()
        let c = Collector()
        let tags = prop("s", "tags")
        let isA = ExprNode.binary(.equal, prop("t", "key"), lit("a"))
        let plan = StatementPlan(
            streams: [
                StreamSpec(
                    .contained(
                        "Batch",
                        filter: nil,
                        ContainedSelection(
                            property: "spans",
                            alias: "s",
                            items: [col(prop("process"), "p"), .wildcard]
                        )
                    )
                )
            ],
            where: .binary(.greater, prop("duration"), lit(10)),
            select: [
                col(prop("p", "serviceName"), "service"), col(prop("operationName"), "op"),
                col(.member(.enumeration(.firstOf, tags, parameter: "t", body: isA), "vStr"), "a"),
                col(.enumeration(.countOf, tags, parameter: nil, body: nil), "tags"),
                col(.enumeration(.anyOf, tags, parameter: "t", body: isA), "hasA"),
                col(.enumeration(.selectFrom, tags, parameter: "t", body: prop("t", "key")), "keys"),
                col(.enumeration(.where, tags, parameter: "t", body: .unary(.not, isA)), "others"),
            ]
        )
        try r.add(plan, name: "C", listener: c.listener)
        let spans = [
            Span(traceIdLow: 1, spanId: 1, operationName: "fast", startTime: 1_000, duration: 5),
            Span(
                traceIdLow: 1,
                spanId: 2,
                operationName: "slow",
                startTime: 1_000,
                duration: 50,
                tags: [.string("a", "x"), .long("b", 2)]
            ),
        ]
        r.send(Batch(process: JaegerProcess(serviceName: "svc"), spans: spans))
        #expect(
            c.take() == [
                #"1 C {"service":"svc","op":"slow","a":"x","tags":2,"hasA":true,"keys":["a","b"],"others":[{"key":"b","vLong":2,"vType":"LONG"}]}"#
            ]
        )
    }
}
