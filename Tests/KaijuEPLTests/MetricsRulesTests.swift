import KaijuCore
import KaijuEPL
import KaijuRules
import Testing

/// Q1a and Q1b (kaiju-metrics) on the virtual clock, with exact outputs.
struct MetricsRulesTests {
    @Test func q1aAveragesCounterPairsPerContainerOncePerMinute() throws {
        let r = Runtime()
        let out = Printed()
        try r.declare(PaperRules.containerCPUUtilisation)
        try r.add(PaperRules.q1a, name: "Q1a", listener: out.listener)
        r.counter("c1", 100, at: 0)
        // (107.5-100)/30 s = 0.25: the first result, so output runs at 90 s, 150 s, ...
        r.counter("c1", 107.5, at: 30_000)
        r.limit("c1", 1, at: 35_000)  // another metric name: neither pairs nor breaks a pair
        r.counter("c2", 10, at: 40_000)
        r.counter("c1", 112.5, at: 50_000)  // 0.25
        r.counter("c2", 15, at: 60_000)  // 0.25
        r.counter("c1", 127.5, at: 80_000)  // 0.5
        r.advance(to: 90_000)
        // At 90 s the pair that entered at 30 s has just left the 1-minute window: c1 averages 0.25 and 0.5.
        #expect(
            out.take() == [
                #"90000 Q1a {"container":"c1","pod":"p1","ns":"n1","usage":0.375}"#,
                #"90000 Q1a {"container":"c2","pod":"p1","ns":"n1","usage":0.25}"#,
            ]
        )
        r.advance(to: 150_000)
        // Every pair has left by 150 s: both groups changed and report empty aggregates.
        #expect(
            out.take() == [
                #"150000 Q1a {"container":"c1","pod":"p1","ns":"n1","usage":null}"#,
                #"150000 Q1a {"container":"c2","pod":"p1","ns":"n1","usage":null}"#,
            ]
        )
        r.advance(to: 600_000)
        #expect(out.take().isEmpty)
        #expect(r.statementInfos[0].patternInstances == 3)  // one wait for m1, one m2 wait per container
    }

    @Test func q1bFiresOnlyAboveTheLastSeenLimit() throws {
        let r = Runtime()
        let out = Printed()
        try r.declare(PaperRules.containerCPUUtilisation)
        try r.add(PaperRules.q1b, name: "Q1b", listener: out.listener)
        let usage: (Double) -> [String: Value] = {
            ["container": "c1", "pod": "p1", "ns": "n1", "usage": Value.double($0)]
        }
        r.limit("c1", 0.5, at: 1_000)
        try r.send("ContainerCPUUtilisation", usage(0.375), at: 60_000)  // below the limit
        try r.send("ContainerCPUUtilisation", usage(0.75), at: 120_000)  // above
        r.limit("c1", 0.6, at: 130_000)  // a new limit joins the current usage: still above
        r.limit("c2", 0.1, at: 140_000)  // #lastevent now holds c2's limit: c1 no longer correlates
        try r.send("ContainerCPUUtilisation", usage(0.9), at: 180_000)
        #expect(
            out.take() == [
                #"120000 Q1b {"timestamp":120000,"payload":{"container":"c1","highUsage":0.75},"context":{"cpuLimit":0.5,"namespace":"n1","pod":"p1"}}"#,
                #"130000 Q1b {"timestamp":130000,"payload":{"container":"c1","highUsage":0.75},"context":{"cpuLimit":0.6,"namespace":"n1","pod":"p1"}}"#,
            ]
        )
    }

    @Test func q1aFeedsQ1bEndToEnd() throws {
        let r = Runtime()
        let out = Printed()
        try PaperRules.installMetrics(in: r, listener: nil)
        try r.add(
            Query.from(Event.self).selectItems({ _ in [SelectItem.all] }),
            name: "Events",
            listener: out.listener
        )
        r.limit("c1", 0.3, at: 0)
        r.counter("c1", 100, at: 0)
        r.counter("c1", 107.5, at: 30_000)
        // 0.666…; the 30 s pair leaves at 90 s, so the minute averages only this one
        r.counter("c1", 127.5, at: 60_000)
        r.advance(to: 90_000)
        #expect(
            out.take() == [
                #"90000 Events {"timestamp":90000,"payload":{"container":"c1","highUsage":0.6666666666666666},"context":{"cpuLimit":0.3,"namespace":"n1","pod":"p1"}}"#
            ]
        )
    }
}
