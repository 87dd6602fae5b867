import KaijuCore
import KaijuEPL
import KaijuRules
import Testing

/// The getting-started articles' code, run as written, with the rows it prints.
struct GettingStartedTests {
    @Test func aRuleInSwiftAndTheSameInEPL() throws {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        var lines: [String] = []
        let busy = Query.from(Metric.self)
            .where { $0.name == "cpu" && $0.fields["usage_idle"] < 10.0 }
            .select { m in ["host": m.tags["host"], "idle": m.fields["usage_idle"]] }
        try runtime.add(busy, name: "Busy") { output in lines += output.jsonLines }
        try EPL.install(
            "select tags('host') as host, fields('usage_idle') as idle from Metric(name='cpu' and fields('usage_idle') < 10.0)",
            in: runtime,
            name: "BusyText"
        ) { output in lines += output.jsonLines }
        let idle = 4.0
        runtime.send(Metric(name: "cpu", timestamp: 1_000, fields: ["usage_idle": idle], tags: ["host": "a"]))
        runtime.send(Metric(name: "cpu", timestamp: 2_000, fields: ["usage_idle": 50.0], tags: ["host": "b"]))
        #expect(
            lines == [
                #"{"statement":"Busy","row":{"host":"a","idle":4.0}}"#,
                #"{"statement":"BusyText","row":{"host":"a","idle":4.0}}"#,
            ]
        )
    }

    @Test func theCoreArticleCountsAndAveragesPerMinute() throws {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        var lines: [String] = []
        let idle = Query.from(Metric.self)
            .where { $0.name == "cpu" }
            .window(.time(.minutes(1)))
            .groupBy { $0.tags["host"] }
            .select { m in ["host": m.tags["host"], "idle": avg(m.fields["usage_idle"])] }
            .output(.last, every: .minutes(1))
        try runtime.add(idle, name: "HostIdle") { output in lines += output.jsonLines }
        try EPL.install("select count(*) as n from Metric#time(1 min)", in: runtime, name: "Count") { output in
            lines += output.jsonLines
        }
        let usage = 12.5
        for second in stride(from: 1, to: 90, by: 30) {
            runtime.send(
                Metric(
                    name: "cpu",
                    timestamp: Int64(second) * 1_000,
                    fields: ["usage_idle": usage],
                    tags: ["host": "a"]
                )
            )
        }
        runtime.advance(to: 90_000)  // fires the timers due until then: HostIdle's minute ends
        #expect(
            lines == [
                #"{"statement":"Count","row":{"n":1}}"#,
                #"{"statement":"Count","row":{"n":2}}"#,
                #"{"statement":"HostIdle","row":{"host":"a","idle":12.5}}"#,
                #"{"statement":"Count","row":{"n":1}}"#,
                #"{"statement":"Count","row":{"n":2}}"#,
            ]
        )
    }

    @Test func theBuiltInHostRules() throws {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        var statements: [String] = []
        try HostRules.install(in: runtime) { output in statements += output.rows.map { _ in output.statement } }
        let idle = 12.5
        for second in stride(from: 1, to: 240, by: 30) {
            runtime.send(
                Metric(name: "cpu", timestamp: Int64(second) * 1_000, fields: ["usage_idle": idle], tags: ["host": "a"])
            )
        }
        runtime.advance(to: 240_000)
        #expect(statements.filter { $0 == "HostIdle" }.count == 3)
        #expect(statements.filter { $0 == "LowIdleHost" }.count == 3)
    }
}
