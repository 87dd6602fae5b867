public import KaijuCore
public import KaijuEPL

/// The paper's rules (Q1–Q6 of the Kaiju reference), written with the typed query builder.
///
/// Each module installs its own: ``installMetrics(in:listener:)`` (Q1a, Q1b),
/// ``installLogs(in:listener:)`` (Q2), ``installTraces(in:listener:)`` (Q3a, Q3b) and
/// ``installHighLevel(in:listener:)`` (the `events.txt` types, their routing, Q4–Q6).
public enum PaperRules {
    // MARK: - kaiju-metrics

    /// `create schema ContainerCPUUtilisation(container String, pod String, ns String, usage double)`.
    public static let containerCPUUtilisation = SchemaDeclaration(
        "ContainerCPUUtilisation",
        columns: [.init("container", .string), .init("pod", .string), .init("ns", .string), .init("usage", .double)]
    )

    static let m1 = Fields<Metric>(alias: "m1")
    static let m2 = Fields<Metric>(alias: "m2")

    /// Q1a: CPU usage per container from pairs of consecutive counter readings, averaged over a minute.
    public static let q1a = Query.from(
        pattern: every(.event(Metric.self, as: "m1") { $0.name == "container_cpu_usage_seconds_total" })
            .followedBy(.event(Metric.self, as: "m2") { $0.name == m1.name && $0.tags == m1.tags })
    )
    .window(.time(.minutes(1)))
    .groupByKeys { _ in [m1.tags["container_name"], m1.tags["pod_name"], m1.tags["namespace"]] }
    .select { _ in
        [
            "container": m1.tags["container_name"], "pod": m1.tags["pod_name"], "ns": m1.tags["namespace"],
            "usage": avg((m2.fields["counter"] - m1.fields["counter"]) / ((m2.timestamp - m1.timestamp) / 1000)),
        ]
    }
    .output(.last, every: .minutes(1))
    .insert(into: "ContainerCPUUtilisation")

    static let u = Fields<DynamicEvent>(alias: "u")
    static let m = Fields<Metric>(alias: "m")

    /// Q1b: a container whose usage exceeds its CPU limit becomes an `Event`.
    public static let q1b = Query.join(
        .named("ContainerCPUUtilisation", as: "u", window: .lastEvent),
        .of(
            Metric.self,
            as: "m",
            where: { $0.name == "kube_pod_container_resource_limits_cpu_cores" },
            window: .lastEvent
        )
    )
    .where { _ in
        m.tags["container"] == u.container && m.tags["pod"] == u.pod && m.tags["namespace"] == u.ns
            && u.usage > m.fields["gauge"]
    }
    .select { _ in
        [
            "timestamp": currentTimestamp(),
            "payload": newMap(["container": u.container, "highUsage": u.usage]),
            "context": newMap(["cpuLimit": m.fields["gauge"], "pod": u.pod, "namespace": u.ns]),
        ]
    }
    .insert(into: "Event")

    /// Installs Q1a and Q1b.
    public static func installMetrics(in r: Runtime, listener: StatementListener?) throws(PlanError) {
        try r.declare(self.containerCPUUtilisation)
        try r.add(self.q1a, name: "Q1a", listener: listener)
        try r.add(self.q1b, name: "Q1b", listener: listener)
    }

    // MARK: - kaiju-logs

    /// Q2: an image pulled, from Kubernetes events routed through eventrouter, as an `Event`.
    public static let q2 = Query.from(LogRecord.self)
        .where { l in
            l.fields["kubernetes.labels.app"] == "eventrouter" && l.fields["event.reason"] == "Pulled"
                && l.fields["event.message"].toString().contains("pulled")
        }
        .select { l in
            [
                "timestamp": currentTimestamp(),
                "payload": newMap(["pulledImage": l.fields["event.involvedObject.name"]]),
                "context": newMap(["namespace": l.fields["event.involvedObject.namespace"]]),
            ]
        }
        .insert(into: "Event")

    /// `select count(*) from FLog#time(1min) output last every 1 min`.
    public static let countLogs = Query.from(LogRecord.self)
        .window(.time(.minutes(1)))
        .select { _ in ["count(*)": count()] }
        .output(.last, every: .minutes(1))

    /// Installs Q2 and the log count.
    public static func installLogs(in r: Runtime, listener: StatementListener?) throws(PlanError) {
        try r.add(self.q2, name: "Q2", listener: listener)
        try r.add(self.countLogs, name: "COUNT LOGS", listener: listener)
    }

    // MARK: - kaiju-traces

    /// `create table MeanDurationPerOperation (operationName string primary key, meanDuration double, m2 double, counter long)`.
    public static let meanDurationTable = TableDeclaration(
        "MeanDurationPerOperation",
        columns: [
            .init("operationName", .string), .init("meanDuration", .double), .init("m2", .double),
            .init("counter", .long),
        ],
        primaryKey: ["operationName"]
    )

    static let s = Fields<Span>(alias: "s")
    static let table = TableRef("MeanDurationPerOperation", as: "m")
    static let initial = TableRef.initial

    /// Q3a: running mean and variance (Welford) of span duration per operation, reset after 100 000 spans.
    public static let q3a = OnMerge.on(
        Span.self,
        as: "s",
        merge: table,
        matching: { s in s.operationName == table.operationName }
    )
    .whenMatched(
        and: table.counter <= 100_000,
        update: [
            "counter": initial.counter + 1,
            "meanDuration": initial.meanDuration + ((s.duration - initial.meanDuration) / table.counter),
            "m2": initial.m2 + (s.duration - table.meanDuration) * (s.duration - initial.meanDuration),
        ]
    )
    .whenMatched(and: table.counter > 100_000, update: ["counter": lit(1), "meanDuration": s.duration, "m2": lit(0)])
    .whenNotMatched(insert: [
        "operationName": s.operationName, "meanDuration": s.duration, "m2": lit(0), "counter": lit(1),
    ])

    static let p = Fields<DynamicEvent>(alias: "p")
    static let byOperation = TableRef("MeanDurationPerOperation")

    /// The value of the span tag `key` (`s.getTags().firstOf(t => t.key = key).getVStr()`).
    static func tag(_ key: String) -> Expr<Value> {
        s.tags.firstOf("t") { t in t.key == .string(key) }.member("vStr")
    }

    /// Q3b: spans slower than their operation's mean + 3σ become `Event`s.
    public static let q3b = Query<Span>.spans(as: "s", carrying: { b in ["p": b.process] })
        .where { s in
            (s.duration - byOperation[s.operationName].meanDuration)
                > lit(3.0) * sqrt(byOperation[s.operationName].m2 / byOperation[s.operationName].counter)
        }
        .select { s in
            [
                "timestamp": currentTimestamp(),
                "payload": newMap([
                    "traceId": traceIdToHex(s.traceIdHigh, s.traceIdLow), "spanId": toHexString(s.spanId),
                    "operationName": s.operationName, "duration": s.duration,
                ]),
                "context": newMap([
                    "serviceName": p.serviceName, "startTime": s.startTime, "node": tag("kube.node_name"),
                    "pod": tag("kube.pod_name"), "namespace": tag("kube.pod_namespace"),
                ]),
            ]
        }
        .insert(into: "Event")

    /// Installs Q3a and Q3b (Q3b first sees the table as the Batch arrives, before its spans update it).
    public static func installTraces(in r: Runtime, listener: StatementListener?) throws(PlanError) {
        try r.createTable(self.meanDurationTable)
        try r.add(self.q3a, name: "Q3a")
        try r.add(self.q3b, name: "Q3b", listener: listener)
    }

    // MARK: - kaiju-hl

    static let a = Fields<DynamicEvent>(alias: "a")
    static let b = Fields<DynamicEvent>(alias: "b")

    /// Q4: two anomalies, each within 2 minutes of the previous (`[2] (Anomaly where timer:within(2 min))`).
    public static let q4 = Query.from(pattern: Pattern.event("Anomaly").within(.minutes(2)).times(2))

    /// Q5: `a=ContainerHighCPUUsage and b=HighLatencySpan(pod = a.pod) where timer:within(1min)` — the guard covers only `b`.
    public static let q5 = Query.from(
        pattern: .event("ContainerHighCPUUsage", as: "a")
            && .event("HighLatencySpan", as: "b") { $0.pod == a.pod }.within(.minutes(1))
    )
    .select { _ in ["pod": a.pod] }

    /// Q6: each pull, followed by every container anomaly in its namespace, each wait guarded by 10 minutes.
    public static let q6 = Query.from(
        pattern: every(.event("PulledImageEvent", as: "a"))
            .followedBy(every(.event("ContainerAnomaly", as: "b") { $0.namespace == a.namespace }.within(.minutes(10))))
    )
    .select { _ in ["a.pulledImage": a.pulledImage, "b.namespace": b.namespace] }

    /// Installs the `events.txt` hierarchy with its routing from `Event`, then Q4–Q6.
    public static func installHighLevel(in r: Runtime, listener: StatementListener?) throws {
        try HighLevelEvents.install(in: r)
        try r.add(self.q4, name: "Q4", listener: listener)
        try r.add(self.q5, name: "Q5", listener: listener)
        try r.add(self.q6, name: "Q6", listener: listener)
    }
}
