import Testing

@testable import KaijuCore

struct AggregateTests {
    @Test func everyAggregateIsMaintainedAsEventsEnterAndLeave() throws {
        let r = try makeRuntime()
        let c = Collector()
        let v = prop("v")
        let plan = StatementPlan(
            from: .init("S"),
            windows: [.length(3)],
            select: [
                col(agg(.count), "n"), col(agg(.count, prop("k")), "nk"), col(agg(.sum, v), "sum"),
                col(agg(.avg, v), "avg"),
                col(agg(.min, v), "min"), col(agg(.max, v), "max"), col(agg(.first, v), "first"),
                col(agg(.last, v), "last"),
            ]
        )
        try r.add(plan, name: "A", listener: c.listener)
        try r.s("x", 5, at: 0)
        try r.send(row: [.null, .int(1)], type: "S", timestamp: 1)
        try r.s("x", 9, at: 2)
        try r.s("x", 3, at: 3)  // 5 leaves
        try r.s("x", 3, at: 4)  // 1 (k null) leaves
        #expect(
            c.take() == [
                #"0 A {"n":1,"nk":1,"sum":5,"avg":5.0,"min":5,"max":5,"first":5,"last":5}"#,
                #"1 A {"n":2,"nk":1,"sum":6,"avg":3.0,"min":1,"max":5,"first":5,"last":1}"#,
                #"2 A {"n":3,"nk":2,"sum":15,"avg":5.0,"min":1,"max":9,"first":5,"last":9}"#,
                #"3 A {"n":3,"nk":2,"sum":13,"avg":4.333333333333333,"min":1,"max":9,"first":1,"last":3}"#,
                #"4 A {"n":3,"nk":3,"sum":15,"avg":5.0,"min":3,"max":9,"first":9,"last":3}"#,
            ]
        )
    }

    @Test func stddevIsTheSampleDeviationAndSurvivesRemovals() throws {
        let r = try makeRuntime()
        var last: Value = .null
        try r.add(StatementPlan(from: .init("S"), windows: [.length(4)], select: [col(agg(.stddev, prop("v")), "sd")]))
        { out in
            last = out.rows.last!["sd"]!
        }
        try r.s("a", 100, at: 0)
        #expect(last == .null)
        let values: [Int64] = [2, 4, 4, 4, 5, 5, 7, 9]
        for (i, x) in values.enumerated() { try r.s("a", x, at: Int64(i + 1)) }
        // window = 5,5,7,9 -> mean 6.5, sample variance (2.25+2.25+0.25+6.25)/3
        let expected = ((2.25 + 2.25 + 0.25 + 6.25) / 3.0).squareRoot()
        #expect(abs(last.doubleValue! - expected) < 1e-12)
    }

    @Test func sumStaysIntegralUntilADoubleEnters() throws {
        let r = Runtime()
        try r.declare(SchemaDeclaration("N", columns: [Column("x", .any)]))
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("N"), windows: [.length(2)], select: [col(agg(.sum, prop("x")), "s")]),
            name: "S",
            listener: c.listener
        )
        try r.send(row: [.int(2)], type: "N", timestamp: 0)
        try r.send(row: [.double(0.5)], type: "N", timestamp: 0)
        try r.send(row: [.int(3)], type: "N", timestamp: 0)
        try r.send(row: [.int(4)], type: "N", timestamp: 0)
        #expect(c.take() == [#"0 S {"s":2}"#, #"0 S {"s":2.5}"#, #"0 S {"s":3.5}"#, #"0 S {"s":7}"#])
    }

    @Test func withoutAWindowAggregatesAccumulate() throws {
        let r = try makeRuntime()
        let c = Collector()
        try r.add(
            StatementPlan(from: .init("S"), select: [col(prop("k"), "k"), col(agg(.count), "n")]),
            name: "A",
            listener: c.listener
        )
        try r.s("a", 1, at: 0)
        try r.s("b", 1, at: 100_000)
        // plain properties with aggregates and no group by: a row per event, with the running aggregate
        #expect(c.take() == [#"0 A {"k":"a","n":1}"#, #"100000 A {"k":"b","n":2}"#])
    }
}
