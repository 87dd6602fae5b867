import Foundation
import KaijuCodecs
import KaijuCore
import KaijuEPL
import KaijuNATS
import KaijuTestSupport
import Logging
import Synchronization
import Testing

@testable import KaijuServer

/// `--nats-input`: the source modules read agents' input from NATS subjects, as Telegraf's
/// `outputs.nats`, Fluent Bit's `nats` output and an OTLP publisher send it, and replicas in one queue
/// group share a subject.
@Suite(.serialized)
struct NATSInputTests {
    /// The rows a statement printed, as JSON text, in order.
    final class Rows: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { self.lines.withLock { $0 } }
    }

    static let logger = Logger(label: "test")

    /// A module named `name` reading `subjects` from `server` in queue group `group`, its `statement`'s
    /// rows collected in `rows`.
    static func module(
        _ name: String,
        _ server: NATSTestServer,
        subjects: [String],
        group: String = "g",
        statement: String,
        rows: Rows,
        limits: IngestLimits = IngestLimits()
    ) async throws -> ModuleServer {
        var configuration = ModuleConfiguration(name: name, listeners: [], admin: nil, hl: nil, limits: limits)
        configuration.nats = NATSLink(options: NATSOptions(host: "127.0.0.1", port: server.port, name: "test"))
        configuration.natsInput = NATSInput(
            subjects: subjects,
            queueGroup: group,
            format: try #require(NATSInputFormat.forModule(name))
        )
        return try await ModuleServer.start(configuration, logger: Self.logger) { runtime in
            try EPL.install(statement, in: runtime, name: "s") { output in
                rows.lines.withLock { $0 += output.rows.map(\.jsonString) }
            }
        }
    }

    static func publisher(_ server: NATSTestServer) async throws -> NATSConnection {
        try await NATSConnection.connect(NATSOptions(host: "127.0.0.1", port: server.port, name: "agent"))
    }

    @Test func telegrafOutputsNATSInInfluxAndJSONFormats() async throws {
        let nats = try NATSTestServer()
        let rows = Rows()
        let module = try await Self.module(
            "kaiju-metrics",
            nats,
            subjects: ["telegraf.>"],
            statement: "select name, tags('host') as host, fields('usage_idle') as idle, timestamp from Metric",
            rows: rows
        )
        let agent = try await Self.publisher(nats)
        // data_format = "influx": one metric per message, nanosecond times.
        try await agent.publish(
            "telegraf.cpu",
            payload: Array("cpu,host=a,cpu=cpu-total usage_idle=97.5 1700000000000000000\n".utf8)
        )
        try await agent.flush()
        #expect(ServerProcess.wait { rows.all.count == 1 })
        // data_format = "json": one metric per message, json_timestamp_units = 1s.
        try await agent.publish(
            "telegraf.cpu",
            payload: Array(
                #"{"fields":{"usage_idle":88},"name":"cpu","tags":{"cpu":"cpu-total","host":"b"},"timestamp":1700000001}"#
                    .utf8
            )
        )
        // use_batch_format = true: the batch in one message.
        try await agent.publish(
            "telegraf.batch",
            payload: Array(
                #"{"metrics":[{"fields":{"usage_idle":1},"name":"cpu","tags":{"host":"c"},"timestamp":1700000002},{"fields":{"usage_idle":2},"name":"cpu","tags":{"host":"d"},"timestamp":1700000003}]}"#
                    .utf8
            )
        )
        // Not an agent's payload: a decode error, the next message still read.
        try await agent.publish("telegraf.cpu", payload: Array("cpu usage_idle=\n".utf8))
        try await agent.publish("telegraf.cpu", payload: Array("mem,host=e used=1i 1700000004000000000\n".utf8))
        try await agent.flush()
        #expect(ServerProcess.wait { rows.all.count == 5 })
        #expect(
            rows.all == [
                #"{"name":"cpu","host":"a","idle":97.5,"timestamp":1700000000000}"#,
                #"{"name":"cpu","host":"b","idle":88,"timestamp":1700000001000}"#,
                #"{"name":"cpu","host":"c","idle":1,"timestamp":1700000002000}"#,
                #"{"name":"cpu","host":"d","idle":2,"timestamp":1700000003000}"#,
                #"{"name":"mem","host":"e","idle":null,"timestamp":1700000004000}"#,
            ]
        )
        #expect(module.pump.stats.value(.init("kaiju_decode_errors_total", ["protocol": "nats"])) == 1)
        #expect(module.pump.stats.value(.init("kaiju_nats_input_messages_total")) == 5)
        await agent.close()
        try await module.shutdown()
    }

    @Test func fluentBitNATSOutputAndOTLPTraces() async throws {
        let nats = try NATSTestServer()
        let logs = Rows()
        let logModule = try await Self.module(
            "kaiju-logs",
            nats,
            subjects: ["app.*"],
            statement: "select * from FLog",
            rows: logs
        )
        let spans = Rows()
        let traceModule = try await Self.module(
            "kaiju-traces",
            nats,
            subjects: ["otlp.traces"],
            statement: "select operationName as op, startTime, duration from Span",
            rows: spans
        )
        let agent = try await Self.publisher(nats)
        // What Fluent Bit's nats output publishes for two records tagged app.web: the subject is the tag.
        try await agent.publish(
            "app.web",
            payload: Array(
                #"[[1700000000.25,{"tag":"app.web","log":"GET /","kubernetes":{"namespace_name":"shop"}}],[1700000001.5,{"tag":"app.web","log":"POST /cart"}]]"#
                    .utf8
            )
        )
        let json =
            #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"frontend"}}]},"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"GET /cart","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}]}]}]}"#
        try await agent.publish("otlp.traces", payload: Array(json.utf8))
        let protobuf = try Inflater().inflate(try Fixture("otlp-traces-protobuf-gzip").bytes)
        try await agent.publish("otlp.traces", payload: protobuf)
        try await agent.flush()
        #expect(ServerProcess.wait { logs.all.count == 2 && spans.all.count == 2 })
        #expect(
            logs.all == [
                #"{"timestamp":1700000000250,"fields":{"kubernetes.namespace_name":"shop","log":"GET /","tag":"app.web"}}"#,
                #"{"timestamp":1700000001500,"fields":{"log":"POST /cart","tag":"app.web"}}"#,
            ]
        )
        // The JSON request's span, then the protobuf request's (the fixture a real OTLP exporter sent).
        #expect(
            spans.all == [
                #"{"op":"GET /cart","startTime":1700000000000000,"duration":1000000}"#,
                #"{"op":"checkout","startTime":1700000000000000,"duration":500000}"#,
            ]
        )
        await agent.close()
        try await logModule.shutdown()
        try await traceModule.shutdown()
    }

    @Test func replicasInOneQueueGroupShareASubject() async throws {
        let nats = try NATSTestServer()
        let a = Rows()
        let b = Rows()
        let statement = "select tags('i') as i from Metric"
        let m1 = try await Self.module("kaiju-metrics", nats, subjects: ["telegraf"], statement: statement, rows: a)
        let m2 = try await Self.module("kaiju-metrics", nats, subjects: ["telegraf"], statement: statement, rows: b)
        let agent = try await Self.publisher(nats)
        for i in 0..<100 {
            try await agent.publish("telegraf", payload: Array("m,i=\(i) v=1 1700000000000000000\n".utf8))
        }
        try await agent.flush()
        #expect(ServerProcess.wait { a.all.count + b.all.count == 100 })
        // Each message reached one replica: together they saw every metric once.
        #expect(Set(a.all + b.all).count == 100)
        #expect(!a.all.isEmpty && !b.all.isEmpty)
        await agent.close()
        try await m1.shutdown()
        try await m2.shutdown()
    }

    /// A message over `--max-frame-bytes` is refused and counted; the next one is read.
    @Test func aMessageOverTheFrameLimitIsRefused() async throws {
        let nats = try NATSTestServer()
        let rows = Rows()
        var limits = IngestLimits()
        limits.maxFrameSize = 64
        let module = try await Self.module(
            "kaiju-metrics",
            nats,
            subjects: ["telegraf"],
            statement: "select tags('host') as host from Metric",
            rows: rows,
            limits: limits
        )
        let agent = try await Self.publisher(nats)
        let long = "cpu,host=" + String(repeating: "x", count: 80) + " v=1 1700000000000000000\n"
        try await agent.publish("telegraf", payload: Array(long.utf8))
        try await agent.publish("telegraf", payload: Array("cpu,host=a v=1 1700000000000000000\n".utf8))
        try await agent.flush()
        #expect(await ServerProcess.eventually { rows.all.count == 1 })
        #expect(rows.all == [#"{"host":"a"}"#])
        #expect(module.pump.stats.value(.init("kaiju_limit_hits_total", ["limit": "frame"])) == 1)
        await agent.close()
        try await module.shutdown()
    }
}
