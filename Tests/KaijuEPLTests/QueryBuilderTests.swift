import Foundation
import KaijuCore
import KaijuEPL
import KaijuRules
import Testing

struct QueryBuilderTests {
    @Test func builderCompilesToTheSamePlanAsTheHandWrittenOne() {
        let q = Query.from(Metric.self)
            .where { $0.name == "cpu" }
            .window(.time(.minutes(1)))
            .groupBy { $0.tags["host"] }
            .select { m in ["host": m.tags["host"], "idle": avg(m.fields["usage_idle"])] }
            .output(.last, every: .minutes(1))
            .insert(into: "HostIdle")
        let host = ExprNode.mapGet(.property(stream: nil, path: ["tags"]), .literal("host"))
        let expected = StatementPlan(
            from: .init("Metric", filter: .binary(.equal, .property(stream: nil, path: ["name"]), .literal("cpu"))),
            windows: [.time(.minutes(1))],
            select: [
                .expression(host, name: "host"),
                .expression(
                    .aggregate(.avg, .mapGet(.property(stream: nil, path: ["fields"]), .literal("usage_idle"))),
                    name: "idle"
                ),
            ],
            groupBy: [host],
            output: OutputSpec(.last, every: .time(.minutes(1))),
            insertInto: "HostIdle"
        )
        #expect(q.plan == expected)
    }

    @Test func whereAfterAWindowIsTheWhereClause() {
        let q = Query.from(Metric.self, as: "m").window(.length(5)).where { $0.timestamp > 10 }
        #expect(q.plan.streams[0].input == .type("Metric", filter: nil))
        #expect(q.plan.whereClause == .binary(.greater, .property(stream: "m", path: ["timestamp"]), .literal(10)))
    }

    @Test func computedPropertiesRunAsCompiledKeyPaths() throws {
        let r = Runtime()
        var rows: [String] = []
        let q = Query.from(Metric.self).where { $0.fieldCount >= 2 }.selectItems({
            [$0.fieldCount.as("n"), $0.name.uppercased().as("upper")]
        })
        try r.add(q) { out in rows += out.rows.map(\.jsonString) }
        r.send(Metric(name: "cpu", timestamp: 1, fields: ["a": 1, "b": 2]))
        r.send(Metric(name: "mem", timestamp: 2, fields: ["a": 1]))
        #expect(rows == [#"{"n":2,"upper":"CPU"}"#])
    }

    @Test func dynamicStreamsAreReadByColumnName() throws {
        let r = Runtime()
        try r.declare(SchemaDeclaration("Usage", columns: [Column("pod", .string), Column("usage", .double)]))
        var rows: [String] = []
        let q = Query.from(stream: "Usage").unique { [$0.pod] }.select { u in
            ["pods": count(), "total": sum(u.usage), "max": max(u["usage"])]
        }
        try r.add(q) { out in rows += out.rows.map(\.jsonString) }
        try r.send(row: ["p1", 0.5], type: "Usage", timestamp: 0)
        try r.send(row: ["p2", 1.5], type: "Usage", timestamp: 0)
        try r.send(row: ["p1", 0.25], type: "Usage", timestamp: 0)
        #expect(
            rows == [
                #"{"pods":1,"total":0.5,"max":0.5}"#, #"{"pods":2,"total":2.0,"max":1.5}"#,
                #"{"pods":2,"total":1.75,"max":1.5}"#,
            ]
        )
    }

    @Test func havingAndArithmeticThroughTheBuilder() throws {
        let r = Runtime()
        var rows: [String] = []
        let q = Query.from(Metric.self)
            .window(.keepAll)
            .groupBy { $0.name }
            .select { m in ["name": m.name, "n": count(), "scaled": avg(m.fields["v"]) * 2.0] }
            .having { _ in count() > 1 }
        try r.add(q) { out in rows += out.rows.map(\.jsonString) }
        for (i, n) in ["a", "b", "a"].enumerated() {
            r.send(Metric(name: n, timestamp: Int64(i), fields: ["v": Value.int(Int64(i))]))
        }
        #expect(rows == [#"{"name":"a","n":2,"scaled":2.0}"#])
    }

    /// The embedded default rule set over the bundled sample: what `swift run kaiju-demo` prints.
    @Test func hostRulesOverTheBundledSample() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Examples/demo/sample.ndjson").standardized.path
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: sample)))
        let runtime = Runtime(clock: .virtual(startingAt: try #require(RecordingPlayer.startTime(of: bytes))))
        var lines: [String] = []
        try HostRules.install(in: runtime) { out in lines += out.jsonLines }
        let summary = RecordingPlayer.play(bytes, into: runtime, drain: .minutes(1))
        #expect(summary.events == 108)
        #expect(summary.errors.isEmpty)
        // host-a's idle is 90 - 0.5*step, one sample every 10 s; each period's window excludes the samples that
        // entered exactly a minute before it closes (they leave first): steps 1...5 -> 88.5, 7...11 -> 85.5, 13...17 -> 82.5.
        #expect(
            lines == [
                #"{"statement":"HostIdle","row":{"host":"host-a","idle":88.5}}"#,
                #"{"statement":"HostIdle","row":{"host":"host-b","idle":78.75}}"#,
                #"{"statement":"HostIdle","row":{"host":"host-c","idle":68.75}}"#,
                #"{"statement":"MetricsPerMinute","row":{"metrics":34}}"#,
                #"{"statement":"HostIdle","row":{"host":"host-a","idle":85.5}}"#,
                #"{"statement":"HostIdle","row":{"host":"host-b","idle":75.75}}"#,
                #"{"statement":"HostIdle","row":{"host":"host-c","idle":13.5}}"#,
                #"{"statement":"LowIdleHost","row":{"timestamp":1700000120000,"payload":{"lowIdle":13.5},"context":{"host":"host-c"}}}"#,
                #"{"statement":"MetricsPerMinute","row":{"metrics":34}}"#,
                #"{"statement":"HostIdle","row":{"host":"host-a","idle":82.5}}"#,
                #"{"statement":"HostIdle","row":{"host":"host-b","idle":72.75}}"#,
                #"{"statement":"HostIdle","row":{"host":"host-c","idle":13.5}}"#,
                #"{"statement":"LowIdleHost","row":{"timestamp":1700000180000,"payload":{"lowIdle":13.5},"context":{"host":"host-c"}}}"#,
                #"{"statement":"MetricsPerMinute","row":{"metrics":34}}"#,
            ]
        )
    }
}

extension Metric {
    /// A computed property: not a column, so the builder reads it through its key path.
    var fieldCount: Int { self.fields.count }
}
