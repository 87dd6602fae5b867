import KaijuCore
import KaijuEPL
import KaijuRules

/// Times `feed` on a fresh runtime prepared by `setup`; prints events/s over `events` (best of `runs`).
func measureRun(_ label: String, events: Int, setup: (Runtime) throws -> Void, feed: (Runtime) -> Void) {
    var best = Double.infinity
    for _ in 0..<runs {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        do { try setup(runtime) } catch { fatalError("\(error)") }
        let clock = ContinuousClock()
        let start = clock.now
        feed(runtime)
        let elapsed = clock.now - start
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    print("\(label.rightPad(52)) \(String(Int(Double(events) / best)).leftPad(10)) events/s")
}

/// Q1a's pattern, group by and output over `containers` distinct containers, one reading each in turn.
func benchQ1a(containers: Int) {
    let readings: [Metric] = (0..<eventCount).map { i in
        let c = i % containers
        return Metric(
            name: "container_cpu_usage_seconds_total",
            timestamp: Int64(i / 100),
            fields: ["counter": Value.double(Double(i / containers) * 1.5)],
            tags: ["container_name": Value.string("c\(c)"), "pod_name": Value.string("p\(c)"), "namespace": "ns"]
        )
    }
    measureRun(
        "Q1a pattern, \(containers) containers",
        events: readings.count,
        setup: { r in
            try r.declare(PaperRules.containerCPUUtilisation)
            try r.add(PaperRules.q1a, name: "Q1a")
        },
        feed: { r in for m in readings { r.send(m) } }
    )
}

/// Q3a (on-merge Welford) + Q3b (contained spans against the table), batches of 10 spans over `operations` operations.
func benchQ3(operations: Int) {
    let perBatch = 10
    let batches: [Batch] = (0..<(eventCount / perBatch)).map { b in
        Batch(
            process: JaegerProcess(serviceName: "svc"),
            spans: (0..<perBatch).map { k in
                let i = b * perBatch + k
                return Span(
                    traceIdLow: Int64(b),
                    spanId: Int64(i),
                    operationName: "op-\(i % operations)",
                    startTime: Int64(b) * 1_000,
                    duration: 1_000 + Int64((i &* 7919) % 500),
                    tags: [.string("kube.pod_name", "pod")]
                )
            }
        )
    }
    let events = batches.count * (perBatch + 1)
    measureRun(
        "Q3a + Q3b, \(operations) operations (batch + spans)",
        events: events,
        setup: { r in
            try PaperRules.installTraces(in: r, listener: nil)
        },
        feed: { r in for b in batches { r.send(batchAndSpans: b) } }
    )
}

/// Q1b's two-stream #lastevent join: usage rows and limit metrics alternating.
func benchJoin() {
    let half = eventCount / 2
    let limits: [Metric] = (0..<half).map { i in
        Metric(
            name: "kube_pod_container_resource_limits_cpu_cores",
            timestamp: Int64(i),
            fields: ["gauge": 0.5],
            tags: ["container": Value.string("c\(i % 100)"), "pod": Value.string("p\(i % 100)"), "namespace": "ns"]
        )
    }
    measureRun(
        "two-stream #lastevent join (Q1b)",
        events: half * 2,
        setup: { r in
            try r.declare(PaperRules.containerCPUUtilisation)
            try r.add(PaperRules.q1b, name: "Q1b")
        },
        feed: { r in
            for (i, m) in limits.enumerated() {
                r.send(m)
                try? r.send(
                    row: [.string("c\(i % 100)"), .string("p\(i % 100)"), "ns", .double(Double(i % 10) / 10)],
                    type: "ContainerCPUUtilisation",
                    timestamp: Int64(i)
                )
            }
        }
    )
}
