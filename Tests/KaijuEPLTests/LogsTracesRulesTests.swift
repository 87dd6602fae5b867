import KaijuCore
import KaijuEPL
import KaijuRules
import Testing

/// Q2 (kaiju-logs) and Q3a/Q3b (kaiju-traces), exact outputs.
struct LogsTracesRulesTests {
    private func kubeEvent(app: String, reason: String, message: String, at t: Int64) -> LogRecord {
        LogRecord(
            timestamp: t,
            record: [
                "kubernetes": ["labels": ["app": Value.string(app)]],
                "event": [
                    "reason": Value.string(reason), "message": Value.string(message),
                    "involvedObject": ["name": "web-1", "namespace": "shop"],
                ],
            ]
        )
    }

    @Test func q2FiresOnlyForPulledEventsFromEventrouter() throws {
        let r = Runtime()
        let out = Printed()
        try PaperRules.installLogs(in: r, listener: out.listener)
        r.send(
            self.kubeEvent(
                app: "eventrouter",
                reason: "Pulled",
                message: "Successfully pulled image \"nginx:1.25\"",
                at: 1_000
            )
        )
        r.send(
            self.kubeEvent(app: "eventrouter", reason: "Pulling", message: "Pulling image \"nginx:1.25\"", at: 2_000)
        )
        r.send(self.kubeEvent(app: "fluentd", reason: "Pulled", message: "Successfully pulled image", at: 3_000))
        r.send(
            self.kubeEvent(app: "eventrouter", reason: "Pulled", message: "Container image already present", at: 4_000)
        )
        r.advance(to: 61_000)
        #expect(
            out.take() == [
                #"1000 Q2 {"timestamp":1000,"payload":{"pulledImage":"web-1"},"context":{"namespace":"shop"}}"#,
                // The output timer starts with the first result (1 s); the log of 1 s leaves the window at 61 s.
                #"61000 COUNT LOGS {"count(*)":3}"#,
            ]
        )
    }

    private func span(_ op: String, _ duration: Int64, id: Int64, at ms: Int64) -> Span {
        Span(
            traceIdLow: -1,
            traceIdHigh: 0x1234,
            spanId: id,
            operationName: op,
            startTime: ms * 1000,
            duration: duration,
            tags: [
                .string("kube.node_name", "node-a"), .string("kube.pod_name", "api-7"),
                .string("kube.pod_namespace", "shop"),
            ]
        )
    }

    @Test func q3aKeepsWelfordMeanAndVarianceEqualToATwoPassComputation() throws {
        let r = Runtime()
        try PaperRules.installTraces(in: r, listener: nil)
        var durations: [Int64] = []
        var x: UInt64 = 42
        for i in 0..<1_000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let d = Int64(1_000 + (x >> 33) % 9_000)
            durations.append(d)
            r.send(self.span("GET /cart", d, id: Int64(i), at: Int64(i)))
        }
        let row = try #require(r.rows(ofTable: "MeanDurationPerOperation")?.first)
        let mean = Double(durations.reduce(0, +)) / Double(durations.count)
        let variance =
            durations.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(durations.count)
        #expect(row["counter"] == 1_000)
        #expect(abs(row["meanDuration"]!.doubleValue! - mean) < 1e-9)
        #expect(abs(row["m2"]!.doubleValue! / 1_000 - variance) < 1e-9 * variance)
    }

    @Test func q3aResetsAfterOneHundredThousandSpans() throws {
        let r = Runtime()
        try PaperRules.installTraces(in: r, listener: nil)
        for i in 0..<100_001 { r.send(self.span("op", 10 + Int64(i % 3), id: Int64(i), at: 0)) }
        #expect(r.rows(ofTable: "MeanDurationPerOperation")?.first?["counter"] == 100_001)
        r.send(self.span("op", 777, id: 0, at: 0))  // counter > 100000: start again from this span
        #expect(
            r.rows(ofTable: "MeanDurationPerOperation")?.map(\.jsonString) == [
                #"{"operationName":"op","meanDuration":777.0,"m2":0.0,"counter":1}"#
            ]
        )
    }

    @Test func q3bFiresOnAThreeSigmaOutlierAndNotOnNormalSpans() throws {
        let r = Runtime()
        let out = Printed()
        try PaperRules.installTraces(in: r, listener: out.listener)
        let process = JaegerProcess(serviceName: "cart")
        // The batch is seen before its spans update the table: nothing to compare against yet.
        r.send(
            batchAndSpans: Batch(
                process: process,
                spans: [100, 110, 90, 100].enumerated().map { self.span("GET /cart", $1, id: Int64($0), at: 1_000) }
            )
        )
        // mean 100, σ 7.07
        r.send(batchAndSpans: Batch(process: process, spans: [self.span("GET /cart", 105, id: 10, at: 2_000)]))
        r.send(
            batchAndSpans: Batch(
                process: process,
                spans: [
                    self.span("GET /cart", 200, id: 255, at: 3_000), self.span("GET /other", 5_000, id: 11, at: 3_000),
                ]
            )
        )
        #expect(
            out.take() == [
                #"3000 Q3b {"timestamp":3000,"payload":{"duration":200,"operationName":"GET /cart","spanId":"ff","traceId":"1234ffffffffffffffff"},"context":{"namespace":"shop","node":"node-a","pod":"api-7","serviceName":"cart","startTime":3000000}}"#
            ]
        )
        // A table of one sample has σ = 0: any longer span of that operation fires.
        r.send(batchAndSpans: Batch(process: process, spans: [self.span("GET /other", 5_001, id: 12, at: 4_000)]))
        #expect(out.take().count == 1)
    }

    @Test func idRenderingsMatchTheOriginal() {
        #expect(JaegerIDs.traceIDHex(high: 0, low: 255) == "ff")
        #expect(JaegerIDs.traceIDHex(high: 1, low: 255) == "100000000000000ff")
        #expect(JaegerIDs.hex(UInt64(bitPattern: -1)) == "ffffffffffffffff")
    }
}
