// kaiju-bench: events per second through the engine, single-threaded, on the virtual clock.
// Events are built before timing starts; each figure is the best of `runs` passes.
//
//   cd Benchmarks && swift run -c release kaiju-bench [events] [runs] [only]
// `only` is a comma-separated subset of: filter, windowed, output, q1a, q1a-small (1 000 containers), q3, join
// (default: all).
import KaijuCore
import KaijuEPL

let arguments = CommandLine.arguments
let eventCount = arguments.count > 1 ? Int(arguments[1]) ?? 2_000_000 : 2_000_000
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
let groups = 10_000
let selected = arguments.count > 3 ? Set(arguments[3].split(separator: ",").map(String.init)) : nil

/// Whether the benchmark called `name` was asked for.
func wanted(_ name: String) -> Bool { selected?.contains(name) ?? true }

/// Metrics named cpu/mem alternately, `groups` hosts, 1 ms apart (a 1-minute window holds 60 000 of them).
let metrics: [Metric] =
    !(wanted("filter") || wanted("windowed") || wanted("output"))
    ? []
    : (0..<eventCount).map { i in
        Metric(
            name: i % 2 == 0 ? "cpu" : "mem",
            timestamp: Int64(i),
            fields: ["usage_idle": Value.double(Double(i % 100))],
            tags: ["host": Value.string("host-\(i % groups)")]
        )
    }

func measure(_ label: String, _ query: StatementPlan) {
    var best = Double.infinity
    var rows = 0
    for _ in 0..<runs {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        var produced = 0
        do {
            try runtime.add(query, name: "bench") { produced += $0.rows.count }
        } catch {
            fatalError("\(error)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        for m in metrics { runtime.send(m) }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        best = min(best, seconds)
        rows = produced
    }
    let rate = Double(eventCount) / best
    print("\(label.rightPad(52)) \(String(Int(rate)).leftPad(10)) events/s  (\(rows) rows)")
}

extension String {
    func leftPad(_ n: Int) -> String { String(repeating: " ", count: max(0, n - self.count)) + self }
    func rightPad(_ n: Int) -> String { self + String(repeating: " ", count: max(0, n - self.count)) }
}

print("kaiju-bench: \(eventCount) events, best of \(runs) runs")
if wanted("filter") {
    measure(
        "filter: Metric(name='cpu')",
        Query.from(Metric.self).where { $0.name == "cpu" }.select { m in ["host": m.tags["host"]] }.plan
    )
}
let windowed = Query.from(Metric.self)
    .window(.time(.minutes(1)))
    .groupBy { $0.tags["host"] }
    .select { m in ["host": m.tags["host"], "idle": avg(m.fields["usage_idle"])] }
if wanted("windowed") { measure("#time(1 min) group by host (10 000 groups) avg", windowed.plan) }
if wanted("output") { measure("... output last every 1 min", windowed.output(.last, every: .minutes(1)).plan) }
if wanted("q1a") { benchQ1a(containers: 100_000) }
if wanted("q1a-small") { benchQ1a(containers: 1_000) }
if wanted("q3") { benchQ3(operations: 1_000) }
if wanted("join") { benchJoin() }
