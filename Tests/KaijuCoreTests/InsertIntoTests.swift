import Testing

@testable import KaijuCore

struct InsertIntoTests {
    @Test func insertIntoChainsThroughAnImplicitStream() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(
                from: .init("S"),
                select: [col(prop("k"), "key"), col(.binary(.multiply, prop("v"), lit(10)), "v10")],
                insertInto: "Scaled"
            ),
            name: "A"
        )
        try r.add(
            StatementPlan(
                from: .init("Scaled"),
                where: .binary(.greater, prop("v10"), lit(15)),
                select: [col(prop("key"), "key"), col(agg(.sum, prop("v10")), "total")],
                groupBy: [prop("key")]
            ),
            name: "B",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.s("a", 2, at: 1)
        try r.s("b", 3, at: 2)
        try r.s("a", 4, at: 3)
        #expect(
            c.take() == [
                #"1 B {"key":"a","total":20}"#, #"2 B {"key":"b","total":30}"#, #"3 B {"key":"a","total":60}"#,
            ]
        )
        #expect(r.types["Scaled"]?.columns.map(\.name) == ["key", "v10"])
    }

    @Test func insertIntoEventBuildsTheGenericEvent() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(
                from: .init("S"),
                select: [
                    col(.currentTimestamp, "timestamp"),
                    col(.newMap([.init("value", prop("v"))]), "payload"),
                    col(.newMap([.init("key", prop("k")), .init("kind", lit("test"))]), "context"),
                ],
                insertInto: "Event"
            ),
            name: "ToEvent"
        )
        try r.add(StatementPlan(from: .init("Event")), name: "Events", listener: c.listener)
        try r.s("a", 7, at: 1_500)
        #expect(
            c.take() == [#"1500 Events {"timestamp":1500,"payload":{"value":7},"context":{"key":"a","kind":"test"}}"#]
        )
    }

    @Test func insertedEventsAreProcessedAfterTheTriggeringEventReachedEveryStatement() throws {
        let r = try makeRuntime()
        var order: [String] = []
        try r.add(StatementPlan(from: .init("S"), select: [col(prop("v"), "v")], insertInto: "T"), name: "first") { _ in
            order.append("first")
        }
        try r.add(StatementPlan(from: .init("T")), name: "onT") { _ in order.append("onT") }
        try r.add(StatementPlan(from: .init("S")), name: "second") { _ in order.append("second") }
        try r.s("a", 1, at: 0)
        #expect(order == ["first", "second", "onT"])
    }

    @Test func statementsOnAParentTypeSeeEverySubtype() throws {
        let r = Runtime()
        try r.declare(SchemaDeclaration("Anomaly"))
        try r.declare(
            SchemaDeclaration("ContainerAnomaly", columns: [Column("container", .string)], inherits: ["Anomaly"])
        )
        try r.declare(
            SchemaDeclaration(
                "ContainerHighCPUUsage",
                columns: [Column("highUsage", .float)],
                inherits: ["ContainerAnomaly"]
            )
        )
        try r.declare(SchemaDeclaration("TraceAnomaly", columns: [Column("traceId", .string)], inherits: ["Anomaly"]))
        #expect(r.types["ContainerHighCPUUsage"]?.columns.map(\.name) == ["container", "highUsage"])
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("Anomaly"), select: [col(agg(.count), "n")]),
            name: "All",
            listener: c.listener
        )
        try r.add(
            StatementPlan(from: .init("ContainerAnomaly"), select: [col(prop("container"), "c")]),
            name: "Containers",
            listener: c.listener
        )
        // Inserting into a subtype coerces values to the declared column types.
        try r.add(
            StatementPlan(
                from: .init("Event"),
                select: [
                    col(.mapGet(prop("payload"), lit("c")), "container"),
                    col(.mapGet(prop("payload"), lit("u")), "highUsage"),
                ],
                insertInto: "ContainerHighCPUUsage"
            ),
            name: "Derive"
        )
        r.send(Event(timestamp: 10, payload: ["c": "web", "u": "2.5"]))
        try r.send(row: ["t1"], type: "TraceAnomaly", timestamp: 20)
        #expect(c.take() == [#"10 All {"n":1}"#, #"10 Containers {"c":"web"}"#, #"20 All {"n":2}"#])
        #expect(
            throws: PlanError(
                .unknownProperty,
                "unknown property 'highUsage' of ContainerAnomaly (it has: container)",
                subject: "highUsage"
            )
        ) {
            try r.add(StatementPlan(from: .init("ContainerAnomaly"), select: [col(prop("highUsage"), "u")]))
        }
    }

    @Test func insertIntoEventWithABadPayloadIsCountedNotFatal() throws {
        let r = try makeRuntime()
        try r.add(StatementPlan(from: .init("S"), select: [col(prop("v"), "payload")], insertInto: "Event"))
        try r.s("a", 1, at: 0)
        #expect(r.stats.insertFailures == 1)
    }

    @Test func insertLoopsAreBounded() throws {
        let r = try makeRuntime(limits: RuntimeLimits(maxRoutedPerEvent: 50))
        try r.add(StatementPlan(from: .init("S"), insertInto: "S"))
        try r.s("a", 1, at: 0)
        #expect(r.stats.eventsIn["S"] == 51)
        #expect(r.stats.routedDropped == 1)
    }
}
