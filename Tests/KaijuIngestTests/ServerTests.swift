import Foundation
import Synchronization
import Logging
import NIOCore
import NIOPosix
import Testing
import KaijuCore
@testable import KaijuIngest

/// Servers run in process: forwarding to kaiju-hl, backpressure, heartbeats and the admin endpoint.
@Suite(.serialized)
struct ServerTests {
    static let logger = Logger(label: "kaiju-test")

    @Test func forwarderHoldsABoundedBacklogAndDeliversItAfterReconnecting() throws {
        let stats = IngestStats()
        let first = try Loopback.Collector()
        let port = first.port
        try first.channel.close().wait()
        let forwarder = HLForwarder(host: "127.0.0.1", port: port, capacity: 3, loop: Loopback.group.next(), stats: stats, logger: Self.logger)
        forwarder.send(["a", "b", "c", "d", "e"])
        #expect(ServerProcess.wait { stats.value(.init("kaiju_forward_dropped_total")) == 2 })
        #expect(try forwarder.backlog().wait() == 3)
        let second = try Loopback.Collector(port: port)
        #expect(ServerProcess.wait { second.received == ["c", "d", "e"] }, "the oldest lines were dropped, the rest delivered in order")
        forwarder.send(["f"])
        #expect(ServerProcess.wait { second.received == ["c", "d", "e", "f"] })
        #expect(stats.value(.init("kaiju_forwarded_total")) == 4)
        try forwarder.close(timeout: .seconds(1)).wait()
        try second.channel.close().wait()
    }

    @Test func aBusyEngineMakesHTTPAnswer503AndUDPDropAndCount() throws {
        let gate = DispatchSemaphore(value: 0)
        let stats = IngestStats()
        let configuration = ModuleConfiguration(
            name: "test",
            listeners: [
                .stream(name: "tcp", address: "127.0.0.1:0"),
                .http(name: "http", address: "127.0.0.1:0", kind: .telegraf),
                .jaegerUDP(name: "udp", address: "127.0.0.1:0", binary: false),
            ],
            admin: "127.0.0.1:0", hl: nil, highWater: 1
        )
        let server = try ModuleServer.start(configuration, logger: Self.logger, stats: stats) { runtime in
            // Each metric holds the engine until the test lets it go.
            try runtime.add(StatementPlan(streams: [.type("Metric")]), name: "hold") { _ in gate.wait() }
        }
        defer { try? server.shutdown() }
        let ports = server.boundAddresses.mapValues { $0.port ?? 0 }
        _ = try Loopback.tcp(port: ports["tcp"]!, Array(#"{"name":"cpu","fields":{"v":1},"timestamp":1700000000000}"#.utf8 + [0x0a]))
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
            let code = (try? Loopback.http(port: ports["http"]!, path: "/telegraf", body: Array("cpu v=2\n".utf8))) ?? -1
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
        #expect(metrics.contains("# TYPE kaiju_queue_depth gauge\nkaiju_queue_depth 0\n"))
    }

    @Test func answersForwardHeartbeatsAndHandshakesOverTheNetwork() throws {
        let configuration = ModuleConfiguration(
            name: "test",
            listeners: [
                .stream(name: "forward", address: "127.0.0.1:0", sharedKey: "s3cret"),
                .forwardHeartbeat(name: "heartbeat", address: "127.0.0.1:0"),
            ],
            admin: nil, hl: nil
        )
        let server = try ModuleServer.start(configuration, logger: Self.logger) { _ in }
        defer { try? server.shutdown() }
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
    }
}
