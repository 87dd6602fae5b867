import Foundation
import KaijuCodecs
import KaijuCore
import KaijuServer
import KaijuTestSupport
import Testing

/// Starts kaiju-logs, kaiju-metrics, kaiju-traces and kaiju-hl on loopback ports, sends each its protocol,
/// and checks the Events kaiju-hl receives (it forwards them to this test, standing in for a parent
/// kaiju-hl) and what kaiju-hl's rules print.
@Suite(.serialized)
struct EndToEndTests {
    static func admin(_ p: ServerProcess) -> Int { p.port(of: "admin") ?? -1 }

    /// The value of a Prometheus sample line, or 0.
    static func sample(_ text: String, _ name: String) -> Int {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Int(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }

    static func events(_ lines: [String]) -> [Event] {
        lines.compactMap { try? Event(json: Array($0.utf8)) }
    }

    @Test func fourServersOnLoopback() throws {
        let parent = try Loopback.Collector()
        let local = ["--tcp", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--no-parse"]
        let hl = try ServerProcess("kaiju-hl", local + ["--hl", "127.0.0.1:\(parent.port)"])
        defer { _ = hl.terminate() }
        let hlPort = try #require(hl.port(of: "tcp"))
        let toHL = ["--hl", "127.0.0.1:\(hlPort)"]
        let logs = try ServerProcess(
            "kaiju-logs",
            local + toHL + ["--forward", "127.0.0.1:0", "--http", "127.0.0.1:0"]
        )
        defer { _ = logs.terminate() }
        let metrics = try ServerProcess("kaiju-metrics", local + toHL + ["--http", "127.0.0.1:0"])
        defer { _ = metrics.terminate() }
        let traces = try ServerProcess(
            "kaiju-traces",
            local + toHL + [
                "--jaeger-compact", "127.0.0.1:0", "--jaeger-binary", "none", "--jaeger-http", "127.0.0.1:0",
                "--otlp-http", "127.0.0.1:0",
            ]
        )
        defer { _ = traces.terminate() }

        // kaiju-logs: a Forward message asking for an ack, from eventrouter (Q2 turns it into an Event).
        var w = MsgPackWriter()
        w.writeArrayHeader(4)
        w.writeString("k8s.events")
        w.writeInt(1_700_000_000)
        w.writeMapHeader(2)
        w.writeString("kubernetes")
        w.writeMapHeader(1)
        w.writeString("labels")
        w.writeMapHeader(1)
        w.writeString("app")
        w.writeString("eventrouter")
        w.writeString("event")
        w.writeMapHeader(3)
        w.writeString("reason")
        w.writeString("Pulled")
        w.writeString("message")
        w.writeString("Successfully pulled image nginx:1.25")
        w.writeString("involvedObject")
        w.writeMapHeader(2)
        w.writeString("name")
        w.writeString("nginx-7")
        w.writeString("namespace")
        w.writeString("shop")
        w.writeMapHeader(1)
        w.writeString("chunk")
        w.writeString("e2e-1")
        let ack = try Loopback.tcp(
            port: try #require(logs.port(of: "forward")),
            w.bytes,
            replyBytes: ForwardMessage.ack(Array("e2e-1".utf8)).count
        )
        #expect(ack == ForwardMessage.ack(Array("e2e-1".utf8)))
        #expect(ServerProcess.wait { parent.received.count >= 1 }, "the pull reaches kaiju-hl and its parent")

        // kaiju-logs over HTTP: ndjson is 200, an undecodable body 400 (and counted), then the server still serves.
        let logsHTTP = try #require(logs.port(of: "http"))
        #expect(
            try Loopback.http(
                port: logsHTTP,
                path: "/app.log",
                headers: ["Content-Type": "application/x-ndjson"],
                body: Array("{\"msg\":\"hi\"}\n{\"msg\":\"yo\"}\n".utf8)
            ) == 200
        )
        #expect(
            try Loopback.http(
                port: logsHTTP,
                path: "/app.log",
                headers: ["Content-Type": "application/json"],
                body: Array("{\"msg\":".utf8)
            ) == 400
        )
        #expect(
            try Loopback.http(port: logsHTTP, path: "/x", headers: ["Content-Encoding": "zstd"], body: [1, 2]) == 415
        )

        // kaiju-metrics: Telegraf JSON and line protocol over HTTP, and an Event over the ndjson port.
        let metricsHTTP = try #require(metrics.port(of: "http"))
        let telegrafJSON =
            #"{"metrics":[{"fields":{"usage_idle":99.5},"name":"cpu","tags":{"host":"a"},"timestamp":1700000000}]}"#
        #expect(
            try Loopback.http(
                port: metricsHTTP,
                path: "/telegraf",
                headers: ["Content-Type": "text/plain; charset=utf-8"],
                body: Array(telegrafJSON.utf8)
            ) == 204
        )
        #expect(
            try Loopback.http(
                port: metricsHTTP,
                path: "/api/v2/write?org=o&bucket=b&precision=ns",
                body: Array("cpu,host=b usage_idle=98 1700000000000000000\nmem free=1i\n".utf8)
            ) == 204
        )
        #expect(try Loopback.http(port: metricsHTTP, path: "/write", body: Array("cpu usage=\n".utf8)) == 400)
        let highCPU =
            #"{"timestamp":1700000000000,"payload":{"container":"web","highUsage":0.95},"context":{"cpuLimit":0.5,"pod":"cart-7","namespace":"shop"}}"#
        _ = try Loopback.tcp(port: try #require(metrics.port(of: "tcp")), Array((highCPU + "\n").utf8))
        #expect(ServerProcess.wait { parent.received.count >= 2 })
        let metricsText = try Loopback.get(port: Self.admin(metrics), path: "/metrics")
        #expect(Self.sample(metricsText, #"kaiju_events_in_total{type="Metric"}"#) == 3)
        #expect(Self.sample(metricsText, #"kaiju_decode_errors_total{protocol="http"}"#) == 1)

        // kaiju-traces: jaeger-client's datagram three times (same duration each), a garbage datagram, then a slow
        // span of the same operation over OTLP/HTTP JSON: Q3b turns it into an Event.
        let compact = try #require(traces.port(of: "jaeger-compact"))
        let datagram = try Fixture("jaeger-compact-emitbatch").bytes
        let tracesAdmin = Self.admin(traces)
        for _ in 0..<3 { try Loopback.udp(port: compact, datagram) }
        try Loopback.udp(port: compact, Array("not thrift".utf8))
        #expect(
            ServerProcess.wait {
                let text = (try? Loopback.get(port: tracesAdmin, path: "/metrics")) ?? ""
                return Self.sample(text, #"kaiju_events_in_total{type="Span"}"#) == 3
                    && Self.sample(text, #"kaiju_decode_errors_total{protocol="jaeger-compact"}"#) == 1
            }
        )
        #expect(
            try Loopback.http(
                port: try #require(traces.port(of: "jaeger-http")),
                path: "/api/traces",
                headers: ["Content-Type": "application/x-thrift"],
                body: try Fixture("jaeger-http-batch").bytes
            ) == 202
        )
        let slow =
            #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"frontend"}}]},"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"GET /cart","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000","attributes":[{"key":"kube.pod_name","value":{"stringValue":"cart-7"}},{"key":"kube.pod_namespace","value":{"stringValue":"shop"}},{"key":"kube.node_name","value":{"stringValue":"node-1"}}]}]}]}]}"#
        #expect(
            try Loopback.http(
                port: try #require(traces.port(of: "otlp-http")),
                path: "/v1/traces",
                headers: ["Content-Type": "application/json"],
                body: Array(slow.utf8)
            ) == 200
        )
        #expect(ServerProcess.wait { parent.received.count >= 3 })

        // What reached kaiju-hl, in order (forwarded on to the parent unchanged).
        let received = Self.events(parent.received)
        #expect(received.count == 3)
        if received.count == 3 {
            #expect(received[0].payload == ["pulledImage": "nginx-7"] && received[0].context == ["namespace": "shop"])
            #expect(
                received[1]
                    == Event(
                        timestamp: 1_700_000_000_000,
                        payload: ["container": "web", "highUsage": 0.95],
                        context: ["cpuLimit": 0.5, "pod": "cart-7", "namespace": "shop"]
                    )
            )
            #expect(
                received[2].payload == [
                    "traceId": "af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
                    "operationName": "GET /cart", "duration": 1_000_000,
                ]
            )
            #expect(
                received[2].context == [
                    "serviceName": "frontend", "startTime": 1_700_000_000_000_000, "node": "node-1",
                    "pod": "cart-7", "namespace": "shop",
                ]
            )
        }

        // What kaiju-hl's rules printed: Q6 (the pull, then a container anomaly in its namespace), Q5 (high CPU and a
        // slow span on the same pod), Q4 (two anomalies within 2 minutes).
        #expect(ServerProcess.wait { hl.stdout.contains(#"{"statement":"Q5","row":{"pod":"cart-7"}}"#) })
        #expect(hl.stdout.contains(#"{"statement":"Q6","row":{"a.pulledImage":"nginx-7","b.namespace":"shop"}}"#))
        #expect(hl.stdout.contains { $0.hasPrefix(#"{"statement":"Q4","row":"#) })
        #expect(logs.stdout.contains { $0.hasPrefix(#"{"statement":"Q2","row":{"timestamp":"#) })

        // A clean shutdown on SIGTERM.
        for p in [logs, metrics, traces, hl] { #expect(p.terminate() == 0, "\(p.name) exits 0") }
    }
}
