import Foundation
import KaijuCore
import KaijuTestSupport
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import KaijuCodecs
@testable import KaijuServer

/// Servers run in process: forwarding to kaiju-hl, backpressure, heartbeats and the admin endpoint.
@Suite(.serialized)
struct ServerTests {
    static let logger = Logger(label: "kaiju-test")

    static func events(_ names: [String]) -> [Event] {
        names.map { Event(timestamp: 1_000, payload: ["n": Value.string($0)]) }
    }
    static func lines(_ names: [String]) -> [String] { Self.events(names).map(\.jsonString) }

    @Test func forwarderHoldsABoundedBacklogAndDeliversItAfterReconnecting() throws {
        let stats = IngestStats()
        let first = try Loopback.Collector()
        let port = first.port
        try first.channel.close().wait()
        let forwarder = HLForwarder(
            to: BindAddress(host: "127.0.0.1", port: port),
            capacity: 3,
            loop: Loopback.group.next(),
            stats: stats,
            logger: Self.logger
        )
        forwarder.send(Self.events(["a", "b", "c", "d", "e"]))
        #expect(ServerProcess.wait { stats.value(.init("kaiju_forward_dropped_total")) == 2 })
        #expect(try forwarder.backlog().wait() == 3)
        let second = try Loopback.Collector(port: port)
        #expect(
            ServerProcess.wait { second.received == Self.lines(["c", "d", "e"]) },
            "the oldest were dropped, the rest delivered in order"
        )
        forwarder.send(Self.events(["f"]))
        #expect(ServerProcess.wait { second.received == Self.lines(["c", "d", "e", "f"]) })
        #expect(ServerProcess.wait { stats.value(.init("kaiju_forwarded_total")) == 4 })
        #expect(try forwarder.backlog().wait() == 0)
        try forwarder.close(timeout: .seconds(1)).wait()
        try second.channel.close().wait()
    }

    @Test func eventsCountAsForwardedOnlyWhenAcknowledgedAndAreResentAfterTheConnectionDrops() throws {
        let stats = IngestStats()
        let silent = try Loopback.Collector(acknowledging: false)
        let port = silent.port
        let forwarder = HLForwarder(
            to: BindAddress(host: "127.0.0.1", port: port),
            capacity: 100,
            loop: Loopback.group.next(),
            stats: stats,
            logger: Self.logger
        )
        forwarder.send(Self.events(["a", "b", "c"]))
        #expect(
            ServerProcess.wait { silent.received == Self.lines(["a", "b", "c"]) },
            "written, but never acknowledged"
        )
        #expect(stats.value(.init("kaiju_forwarded_total")) == 0)
        #expect(try forwarder.backlog().wait() == 3)
        try silent.closeAll()
        // The silent peer's connection ends: its chunk goes back to the buffer, to be sent again.
        #expect(ServerProcess.wait { stats.value(.init("kaiju_forward_resent_total")) == 3 })
        let acknowledging = try Loopback.Collector(port: port)
        forwarder.send(Self.events(["d"]))
        #expect(ServerProcess.wait { acknowledging.received == Self.lines(["a", "b", "c", "d"]) })
        #expect(ServerProcess.wait { stats.value(.init("kaiju_forwarded_total")) == 4 })
        #expect(stats.value(.init("kaiju_forward_resent_total")) == 3)
        try forwarder.close(timeout: .seconds(1)).wait()
        try acknowledging.channel.close().wait()
    }

    @Test func aBusyEngineMakesHTTPAnswer503AndUDPDropAndCount() async throws {
        let gate = DispatchSemaphore(value: 0)
        let stats = IngestStats()
        let configuration = ModuleConfiguration(
            name: "test",
            listeners: [
                .stream(name: "tcp", address: .loopback),
                .http(name: "http", address: .loopback, kind: .telegraf),
                .jaegerUDP(name: "udp", address: .loopback, binary: false),
            ],
            admin: .loopback,
            hl: nil,
            highWater: 1
        )
        let server = try await ModuleServer.start(configuration, logger: Self.logger, stats: stats) { runtime in
            // Each metric holds the engine until the test lets it go.
            try runtime.add(StatementPlan(streams: [.type("Metric")]), name: "hold") { _ in gate.wait() }
        }
        let ports = server.boundAddresses.mapValues { $0.port ?? 0 }
        _ = try Loopback.tcp(
            port: ports["tcp"]!,
            Array(#"{"name":"cpu","fields":{"v":1},"timestamp":1700000000000}"#.utf8 + [0x0a])
        )
        #expect(ServerProcess.wait { server.pump.queueDepth == 1 })
        #expect(server.pump.isBehind)
        #expect(try Loopback.http(port: ports["http"]!, path: "/telegraf", body: Array("cpu v=1\n".utf8)) == 503)
        try Loopback.udp(port: ports["udp"]!, try Fixture("jaeger-compact-emitbatch").bytes)
        #expect(ServerProcess.wait { stats.value(.init("kaiju_dropped_total", ["reason": "udp_backpressure"])) == 1 })
        gate.signal()
        #expect(ServerProcess.wait { server.pump.queueDepth == 0 })
        // Caught up: accepted again (the new metric is held until released below).
        let accepted = DispatchQueue.global()
        let status = Mutex<Int>(0)
        accepted.async {
            let code =
                (try? Loopback.http(port: ports["http"]!, path: "/telegraf", body: Array("cpu v=2\n".utf8))) ?? -1
            status.withLock { $0 = code }
        }
        #expect(ServerProcess.wait { server.pump.queueDepth == 1 })
        gate.signal()
        #expect(ServerProcess.wait { status.withLock { $0 } == 204 })
        let metrics = try Loopback.get(port: ports["admin"]!, path: "/metrics")
        #expect(metrics.contains("kaiju_dropped_total{reason=\"http_backpressure\"} 1\n"))
        #expect(metrics.contains("kaiju_dropped_total{reason=\"udp_backpressure\"} 1\n"))
        #expect(metrics.contains("kaiju_events_in_total{type=\"Metric\"} 2\n"))
        #expect(metrics.contains("kaiju_statement_events_in_total{statement=\"hold\"} 2\n"))
        #expect(metrics.contains("# TYPE kaiju_queue_depth gauge\nkaiju_queue_depth 0.0\n"))
        try await server.shutdown()
    }

    @Test func answersForwardHeartbeatsAndHandshakesOverTheNetwork() async throws {
        let configuration = ModuleConfiguration(
            name: "test",
            listeners: [
                .stream(name: "forward", address: .loopback, sharedKey: "s3cret"),
                .forwardHeartbeat(name: "heartbeat", address: .loopback),
            ],
            admin: nil,
            hl: nil
        )
        let server = try await ModuleServer.start(configuration, logger: Self.logger) { _ in }
        let ports = server.boundAddresses.mapValues { $0.port ?? 0 }
        #expect(try Loopback.udpRoundTrip(port: ports["heartbeat"]!, [0]) == [0])
        // A client that does not know the key gets HELO, then a refusing PONG, and is closed.
        var ping = MsgPackWriter()
        ping.writeArrayHeader(6)
        for field in ["PING", "client", "salt", "0000", "", ""] { ping.writeString(field) }
        let reply = try Loopback.tcp(port: ports["forward"]!, ping.bytes, replyBytes: 60)
        let values = try reply.raw { raw -> [Value] in
            var r = MsgPackReader(raw)
            return [try r.readValue(), try r.readValue()]
        }
        #expect(values[0].arrayValue?.first == "HELO")
        #expect(values[1] == ["PONG", false, "shared_key mismatch", "", ""])
        try await server.shutdown()
    }
}

extension ServerTests {
    /// A server with every HTTP ingest endpoint, counting what reaches the engine.
    static func httpServer(stats: IngestStats) async throws -> (ModuleServer, [String: Int]) {
        let configuration = ModuleConfiguration(
            name: "test",
            listeners: [
                .http(name: "fluent", address: .loopback, kind: .fluent),
                .http(name: "telegraf", address: .loopback, kind: .telegraf),
                .http(name: "otlp", address: .loopback, kind: .otlp(.traces)),
                .http(name: "jaeger", address: .loopback, kind: .jaeger),
            ],
            admin: nil,
            hl: nil,
            limits: IngestLimits(maxBodySize: 64 * 1024, maxInflatedSize: 1 << 20)
        )
        let server = try await ModuleServer.start(configuration, logger: Self.logger, stats: stats) { _ in }
        return (server, server.boundAddresses.mapValues { $0.port ?? 0 })
    }

    static func count(_ stats: IngestStats, _ type: String) -> Int {
        stats.value(.init("kaiju_events_in_total", ["type": type]))
    }

    @Test func fluentHTTPBodiesOfEveryShape() async throws {
        let stats = IngestStats()
        let (server, ports) = try await Self.httpServer(stats: stats)
        let port = ports["fluent"]!
        // Fluent Bit `format json`: an array (a non-object element is nested under `log`).
        #expect(
            try Loopback.http(
                port: port,
                path: "/",
                headers: ["Content-Type": "application/json"],
                body: Array(#"[{"date":1700000000.5,"msg":"a"},"plain"]"#.utf8)
            ) == 200
        )
        // Fluent Bit `json_stream`: objects back to back, labelled application/json.
        #expect(
            try Loopback.http(
                port: port,
                path: "/",
                headers: ["Content-Type": "application/json"],
                body: Array(#"{"m":1}{"m":2}"#.utf8)
            ) == 200
        )
        // Fluentd `compress gzip` of ndjson (two gzip members), sent chunked as a streaming client would.
        let gz = CompressedSamples.twoMembers
        let chunked =
            "POST /logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        var request = Array(chunked.utf8)
        for part in [Array(gz[..<10]), Array(gz[10...])] {
            request += Array((String(part.count, radix: 16) + "\r\n").utf8) + part + Array("\r\n".utf8)
        }
        request += Array("0\r\n\r\n".utf8)
        #expect(
            String(decoding: try Loopback.tcp(port: port, request, replyBytes: 12).prefix(12), as: UTF8.self)
                == "HTTP/1.1 200"
        )
        // Fluent Bit `format msgpack`: [[EventTime, {metadata}], {record}]; Fluentd: bare maps.
        var w = MsgPackWriter()
        w.writeArrayHeader(2)
        w.writeArrayHeader(2)
        w.writeBinary([])  // replaced below by an EventTime
        w.writeMapHeader(0)
        w.writeMapHeader(1)
        w.writeString("k")
        w.writeString("v")
        w.writeMapHeader(1)
        w.writeString("k")
        w.writeString("w")
        var body = w.bytes
        body.replaceSubrange(2..<4, with: [0xd7, 0x00, 0x65, 0x53, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(
            try Loopback.http(port: port, path: "/", headers: ["Content-Type": "application/msgpack"], body: body)
                == 200
        )
        #expect(Self.count(stats, "LogRecord") == 2 + 2 + 2 + 2)
        // Refused: a bad gzip body (400), an unsupported encoding (415), an oversized body (413).
        #expect(
            try Loopback.http(port: port, path: "/", headers: ["Content-Encoding": "gzip"], body: Array("nope".utf8))
                == 400
        )
        #expect(try Loopback.http(port: port, path: "/", headers: ["Content-Encoding": "snappy"], body: [1]) == 415)
        #expect(try Loopback.http(port: port, path: "/", body: [UInt8](repeating: 0x20, count: 70 * 1024)) == 413)
        #expect(
            try Loopback.http(
                port: port,
                path: "/",
                headers: ["Content-Encoding": "gzip"],
                body: CompressedSamples.bomb
            ) == 413
        )
        #expect(stats.value(.init("kaiju_decode_errors_total", ["protocol": "http"])) == 4)
        try await server.shutdown()
    }

    @Test func tracesOverOTLPProtobufAndJaegerHTTP() async throws {
        let stats = IngestStats()
        let (server, ports) = try await Self.httpServer(stats: stats)
        let otlp = try Fixture("otlp-traces-protobuf-gzip")
        let reply = try Loopback.tcp(
            port: ports["otlp"]!,
            Array(
                "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Encoding: gzip\r\nContent-Length: \(otlp.bytes.count)\r\nConnection: close\r\n\r\n"
                    .utf8
            ) + otlp.bytes,
            replyBytes: 80
        )
        let text = String(decoding: reply, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200"))
        #expect(text.lowercased().contains("content-type: application/x-protobuf"))
        #expect(text.lowercased().contains("content-length: 0"))
        #expect(
            try Loopback.http(
                port: ports["otlp"]!,
                path: "/v1/traces",
                headers: ["Content-Type": "text/plain"],
                body: [1]
            ) == 415
        )
        #expect(
            try Loopback.http(
                port: ports["otlp"]!,
                path: "/v1/traces",
                headers: ["Content-Type": "application/x-protobuf"],
                body: [0x0a, 0x05]
            ) == 400
        )
        #expect(
            try Loopback.http(
                port: ports["jaeger"]!,
                path: "/api/traces",
                headers: ["Content-Type": "application/vnd.apache.thrift.binary"],
                body: try Fixture("jaeger-http-batch").bytes
            ) == 202
        )
        #expect(
            try Loopback.http(
                port: ports["jaeger"]!,
                path: "/api/traces",
                headers: ["Content-Type": "application/json"],
                body: [1]
            ) == 400
        )
        #expect(ServerProcess.wait { Self.count(stats, "Span") == 2 && Self.count(stats, "Batch") == 2 })
        try await server.shutdown()
    }

    @Test func telegrafHTTPSniffsJSONAndLineProtocolAndHonoursPrecision() async throws {
        let stats = IngestStats()
        let configuration = ModuleConfiguration(
            name: "test",
            listeners: [.http(name: "telegraf", address: .loopback, kind: .telegraf)],
            admin: nil,
            hl: nil
        )
        let seen = Mutex<[Metric]>([])
        let server = try await ModuleServer.start(configuration, logger: Self.logger, stats: stats) { runtime in
            try runtime.add(StatementPlan(streams: [.type("Metric")]), name: "all") { output in
                for row in output.rows {
                    seen.withLock {
                        $0.append(
                            Metric(name: row["name"]?.stringValue ?? "", timestamp: row["timestamp"]?.intValue ?? 0)
                        )
                    }
                }
            }
        }
        let port = server.boundAddresses["telegraf"]!.port!
        #expect(
            try Loopback.http(
                port: port,
                path: "/telegraf",
                headers: ["Content-Type": "text/plain; charset=utf-8"],
                body: Array(
                    "{\"metrics\":[{\"fields\":{\"v\":1},\"name\":\"a\",\"tags\":{},\"timestamp\":1700000000}]}\n".utf8
                )
            ) == 204
        )
        #expect(
            try Loopback.http(port: port, path: "/telegraf", body: Array("b v=1 1700000000000000000\n".utf8)) == 204
        )
        #expect(
            try Loopback.http(port: port, path: "/write?db=x&precision=s", body: Array("c v=1 1700000000\n".utf8))
                == 204
        )
        #expect(
            try Loopback.http(port: port, path: "/api/v2/write?precision=ms", body: Array("d v=1 1700000000000\n".utf8))
                == 204
        )
        #expect(ServerProcess.wait { seen.withLock { $0.count } == 4 })
        #expect(seen.withLock { $0 }.map(\.name) == ["a", "b", "c", "d"])
        #expect(
            seen.withLock { $0 }.map(\.timestamp) == Array(repeating: 1_700_000_000_000, count: 4),
            "s (auto), ns, precision=s, precision=ms"
        )
        #expect(try Loopback.http(port: port, method: "GET", path: "/telegraf", body: []) == 405)
        try await server.shutdown()
    }
}
