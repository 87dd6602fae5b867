import Testing

@testable import KaijuCore

struct ExpressionTests {
    /// Evaluates `select expr as x from Metric` on one metric.
    func eval(
        _ e: ExprNode,
        _ m: Metric = Metric(
            name: "cpu",
            timestamp: 42,
            fields: ["idle": 12.5, "n": 3, "s": "Pulled image"],
            tags: ["host": "a", "pod": "p"]
        )
    ) throws -> Value {
        let r = Runtime()
        var out: Value = "unset"
        try r.add(StatementPlan(from: .init("Metric", alias: "m"), select: [col(e, "x")])) { out = $0.rows[0]["x"]! }
        r.send(m)
        return out
    }

    @Test func propertiesMapsAndAliases() throws {
        #expect(try eval(prop("name")) == "cpu")
        #expect(try eval(prop("m", "name")) == "cpu")
        #expect(try eval(.property(stream: "m", path: ["tags", "host"])) == "a")
        #expect(try eval(.mapGet(prop("tags"), lit("pod"))) == "p")
        #expect(try eval(.mapGet(prop("fields"), lit("missing"))) == .null)
        #expect(try eval(prop("timestamp")) == 42)
    }

    @Test func arithmeticPromotesAndDividesAsDouble() throws {
        #expect(try eval(.binary(.add, lit(1), lit(2))) == .int(3))
        #expect(try eval(.binary(.divide, lit(7), lit(2))) == .double(3.5))
        #expect(try eval(.binary(.multiply, .mapGet(prop("fields"), lit("n")), lit(1.5))) == .double(4.5))
        #expect(try eval(.binary(.modulo, lit(7), lit(0))) == .null)
        #expect(try eval(.unary(.negate, .mapGet(prop("fields"), lit("idle")))) == .double(-12.5))
        #expect(try eval(.binary(.subtract, lit(.null), lit(1))) == .null)
    }

    @Test func comparisonAndThreeValuedLogic() throws {
        #expect(try eval(.binary(.less, lit(1), lit(1.5))) == true)
        #expect(try eval(.binary(.equal, lit("a"), lit(1))) == false)
        #expect(try eval(.binary(.equal, lit(.null), lit(1))) == .null)
        #expect(try eval(.binary(.and, lit(.null), lit(false))) == false)
        #expect(try eval(.binary(.and, lit(.null), lit(true))) == .null)
        #expect(try eval(.binary(.or, lit(.null), lit(true))) == true)
        #expect(try eval(.unary(.not, lit(.null))) == .null)
        #expect(try eval(.binary(.equal, prop("tags"), lit(["pod": "p", "host": "a"]))) == true)
    }

    @Test func stringFunctions() throws {
        let s = ExprNode.mapGet(prop("fields"), lit("s"))
        #expect(try eval(.call("contains", [.call("toString", [s]), lit("pulled")])) == false)
        #expect(try eval(.call("contains", [.call("toLowerCase", [s]), lit("pulled")])) == true)
        #expect(try eval(.call("startsWith", [s, lit("Pull")])) == true)
        #expect(try eval(.call("endsWith", [s, lit("image")])) == true)
        #expect(try eval(.call("length", [s])) == 12)
        #expect(try eval(.call("toUpperCase", [prop("name")])) == "CPU")
        #expect(try eval(.call("substring", [s, lit(0), lit(4)])) == "Pull")
        #expect(try eval(.call("coalesce", [lit(.null), prop("name")])) == "cpu")
        #expect(try eval(.binary(.concat, prop("name"), lit("!"))) == "cpu!")
        #expect(try eval(.call("toString", [lit(3.5)])) == "3.5")
        #expect(try eval(.call("sqrt", [lit(16)])) == 4.0)
    }

    @Test func newMapAndCurrentTimestamp() throws {
        let m = try eval(.newMap([.init("host", .mapGet(prop("tags"), lit("host"))), .init("at", .currentTimestamp)]))
        #expect(m.jsonString == #"{"at":42,"host":"a"}"#)
    }

    @Test func filtersRunBeforeWindowsAndTreatNullAsFalse() throws {
        let r = Runtime()
        let c = Collector()
        try r.add(
            StatementPlan(
                from: .init("Metric", filter: .binary(.greater, .mapGet(prop("fields"), lit("v")), lit(1))),
                windows: [.length(1)],
                select: [col(agg(.count), "n")]
            ),
            name: "F",
            listener: c.listener
        )
        r.send(Metric(name: "a", timestamp: 1, fields: ["v": 2]))
        r.send(Metric(name: "a", timestamp: 2, fields: [:]))
        r.send(Metric(name: "a", timestamp: 3, fields: ["v": 0]))
        #expect(c.take() == [#"1 F {"n":1}"#])
    }
}
