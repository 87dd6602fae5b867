import KaijuCore
import KaijuEPL
import KaijuRules
import Testing

/// Q4–Q6 (kaiju-hl) over the `events.txt` hierarchy, exact outputs and times.
struct HighLevelRulesTests {
    private func runtime(
        _ rule: Query<DynamicEvent>,
        _ name: String,
        limits: RuntimeLimits = RuntimeLimits()
    ) throws -> (Runtime, Printed) {
        let r = Runtime(limits: limits)
        let out = Printed()
        try HighLevelEvents.install(in: r)
        try r.add(rule, name: name, listener: out.listener)
        return (r, out)
    }

    private let cpu: [String: Value] = [
        "container": "c1", "highUsage": 0.9, "cpuLimit": 0.5, "pod": "p1", "namespace": "n1",
    ]
    private let slow: [String: Value] = [
        "operationName": "GET /", "spanId": "a", "traceId": "b", "duration": 900, "pod": "p1", "namespace": "n1",
    ]

    @Test func q4MatchesTwoAnomaliesOfDifferentSubtypesWithinTwoMinutesOnce() throws {
        let (r, out) = try self.runtime(PaperRules.q4, "Q4")
        try r.send("ContainerHighCPUUsage", self.cpu, at: 30_000)
        try r.send("HighLatencySpan", self.slow, at: 90_000)
        try r.send("HighLatencySpan", self.slow, at: 100_000)  // no every: the pattern has ended
        try r.send("ContainerHighCPUUsage", self.cpu, at: 110_000)
        #expect(out.take() == [#"90000 Q4 {}"#])
    }

    @Test func q4DoesNotMatchTwoAnomaliesThreeMinutesApart() throws {
        let (r, out) = try self.runtime(PaperRules.q4, "Q4")
        try r.send("ContainerHighCPUUsage", self.cpu, at: 30_000)
        try r.send("HighLatencySpan", self.slow, at: 210_000)  // the second repetition's guard ran out at 150 s
        try r.send("HighLatencySpan", self.slow, at: 220_000)
        r.advance(to: 1_000_000)
        #expect(out.take().isEmpty)
    }

    @Test func q5MatchesASlowSpanOfTheSamePodAfterTheCPUAnomalyWithinTheFirstMinute() throws {
        let (r, out) = try self.runtime(PaperRules.q5, "Q5")
        try r.send("ContainerHighCPUUsage", self.cpu, at: 10_000)
        try r.send("HighLatencySpan", self.slow.merging(["pod": "p2"]) { $1 }, at: 20_000)  // another pod
        try r.send("HighLatencySpan", self.slow, at: 30_000)
        try r.send("HighLatencySpan", self.slow, at: 40_000)  // matched once, ended
        #expect(out.take() == [#"30000 Q5 {"pod":"p1"}"#])
    }

    @Test func q5IgnoresASlowSpanBeforeTheCPUAnomalyButTakesALaterOne() throws {
        let (r, out) = try self.runtime(PaperRules.q5, "Q5")
        try r.send("HighLatencySpan", self.slow, at: 10_000)  // a is not bound yet: a.pod is null, no match
        try r.send("ContainerHighCPUUsage", self.cpu, at: 20_000)
        try r.send("HighLatencySpan", self.slow, at: 40_000)
        #expect(out.take() == [#"40000 Q5 {"pod":"p1"}"#])
    }

    @Test func q5GuardCoversOnlyTheSpanAndStartsWithTheStatement() throws {
        let (r, out) = try self.runtime(PaperRules.q5, "Q5")
        try r.send("ContainerHighCPUUsage", self.cpu, at: 10_000)
        // b's wait began at 0 and ended at 60 s, and with it the pattern
        try r.send("HighLatencySpan", self.slow, at: 70_000)
        r.advance(to: 1_000_000)
        #expect(out.take().isEmpty)
    }

    private func pull(_ image: String, _ ns: Value) -> [String: Value] {
        ["pulledImage": Value.string(image), "namespace": ns]
    }
    private func anomaly(_ ns: Value) -> [String: Value] { ["container": "c1", "namespace": ns] }

    @Test func q6MatchesEveryLaterAnomalyInThePullsNamespaceWithoutAGap() throws {
        let (r, out) = try self.runtime(PaperRules.q6, "Q6")
        try r.send("PulledImageEvent", self.pull("nginx", "n1"), at: 0)
        try r.send("ContainerAnomaly", self.anomaly("n1"), at: 60_000)
        try r.send("ContainerAnomaly", self.anomaly("n2"), at: 70_000)
        try r.send("ContainerHighCPUUsage", self.cpu, at: 120_000)  // a subtype of ContainerAnomaly
        #expect(
            out.take() == [
                #"60000 Q6 {"a.pulledImage":"nginx","b.namespace":"n1"}"#,
                #"120000 Q6 {"a.pulledImage":"nginx","b.namespace":"n1"}"#,
            ]
        )
    }

    @Test func q6RestartsEachTenMinuteWaitSoAnAnomalyAfterALongGapStillMatches() throws {
        let (r, out) = try self.runtime(PaperRules.q6, "Q6")
        try r.send("PulledImageEvent", self.pull("nginx", "n1"), at: 0)
        try r.send("PulledImageEvent", self.pull("redis", "n1"), at: 200_000)
        // 15 minutes without an anomaly: every wait ran out at least once and was restarted by `every`.
        try r.send("ContainerAnomaly", self.anomaly("n1"), at: 1_100_000)
        #expect(
            out.take() == [
                #"1100000 Q6 {"a.pulledImage":"nginx","b.namespace":"n1"}"#,
                #"1100000 Q6 {"a.pulledImage":"redis","b.namespace":"n1"}"#,
            ]
        )
    }

    @Test func q6PatternStateIsBoundedAndDropsAreCounted() throws {
        var limits = RuntimeLimits()
        limits.maxPatternInstances = 3  // the wait for pulls, and two pulls' waits
        let (r, out) = try self.runtime(PaperRules.q6, "Q6", limits: limits)
        for (i, ns) in ["n1", "n2", "n3"].enumerated() {
            try r.send("PulledImageEvent", self.pull("img\(i)", .string(ns)), at: Int64(i) * 1_000)
        }
        try r.send("ContainerAnomaly", self.anomaly("n3"), at: 10_000)  // the third pull's wait was dropped
        try r.send("ContainerAnomaly", self.anomaly("n2"), at: 11_000)
        #expect(out.take() == [#"11000 Q6 {"a.pulledImage":"img1","b.namespace":"n2"}"#])
        let info = try #require(r.statementInfos.first { $0.name == "Q6" })
        #expect(info.patternInstances == 3)
        #expect(info.patternInstancesDropped == 1)
    }

    @Test func eventsAreRoutedIntoTheDeclaredTypesAndTheirParents() throws {
        let r = Runtime()
        let out = Printed()
        try HighLevelEvents.install(in: r)
        try r.add(
            Query.from(stream: "Anomaly").select { a in ["timestamp": a.timestamp] },
            name: "A",
            listener: out.listener
        )
        r.send(
            Event(
                timestamp: 5_000,
                payload: ["traceId": "ab", "operationName": "GET /", "spanId": "1", "duration": "900"],
                context: ["pod": "p1"]
            )
        )
        // HighLatencySpan and TraceAnomaly both route it (each routing statement stands alone, as in the original).
        #expect(out.take() == [#"5000 A {"timestamp":5000}"#, #"5000 A {"timestamp":5000}"#])
    }
}
