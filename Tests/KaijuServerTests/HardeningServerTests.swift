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

/// Issue 13's overload, connection and shutdown findings against an in-process server.
@Suite(.serialized)
struct HardeningServerTests {
    static let logger = Logger(label: "kaiju-test")

    final class Gate: Sendable {
        let holding = Atomic(true)

        /// A statement that holds the engine while the gate is closed.
        var rules: @Sendable (Runtime) throws -> Void {
            { runtime in
                try runtime.add(StatementPlan(streams: [.type("Metric")]), name: "hold") { _ in
                    while self.holding.load(ordering: .relaxed) { usleep(1_000) }
                }
            }
        }

        func open() { self.holding.store(false, ordering: .relaxed) }
    }

    static func metricLines(_ n: Int, from: Int = 0) -> [UInt8] {
        var text = ""
        for i in from..<(from + n) { text += #"{"name":"cpu","fields":{"v":\#(i)},"timestamp":1700000000000}"# + "\n" }
        return Array(text.utf8)
    }

    @Test func backpressureBoundsTheQueueByHighWaterPlusOneReadPerConnectionAndLosesNothing() async throws {
        let gate = Gate()
        let stats = IngestStats()
        var configuration = ModuleConfiguration(
            name: "test",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: .loopback,
            hl: nil,
            highWater: 4
        )
        configuration.idleTimeout = nil
        let server = try await ModuleServer.start(configuration, logger: Self.logger, stats: stats, rules: gate.rules)
        let port = server.boundAddresses["tcp"]?.port ?? 0
        let senders = 5
        let perSender = 40_000
        let done = Atomic<Int>(0)
        for s in 0..<senders {
            DispatchQueue.global().async {
                _ = try? Loopback.tcp(port: port, Self.metricLines(perSender, from: s * perSender))
                done.add(1, ordering: .relaxed)
            }
        }
        // Every connection pauses once the engine is behind; the queue stops growing.
        #expect(ServerProcess.wait { stats.value(.init("kaiju_backpressure_pauses_total")) >= senders })
        try await Task.sleep(for: .milliseconds(500))
        #expect(server.pump.maxQueueDepth <= configuration.highWater + senders)
        gate.open()
        #expect(
            ServerProcess.wait(seconds: 60) {
                stats.value(.init("kaiju_events_in_total", ["type": "Metric"])) == senders * perSender
            }
        )
        #expect(server.pump.maxQueueDepth <= configuration.highWater + senders)
        #expect(ServerProcess.wait { done.load(ordering: .relaxed) == senders })
        let metrics = try Loopback.get(port: server.boundAddresses["admin"]?.port ?? 0, path: "/metrics")
        #expect(metrics.contains("kaiju_limit{limit=\"high_water\"} 4.0\n"))
        #expect(
            metrics.contains(
                "# TYPE kaiju_queue_depth_max gauge\nkaiju_queue_depth_max \(server.pump.maxQueueDepth).0\n"
            )
        )
        try await server.shutdown()
    }

    @Test func connectionsBeyondTheCapAreClosedAndCountedAndAdminStillAnswers() async throws {
        let stats = IngestStats()
        var configuration = ModuleConfiguration(
            name: "test",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: .loopback,
            hl: nil
        )
        configuration.maxConnections = 3
        let server = try await ModuleServer.start(configuration, logger: Self.logger, stats: stats) { _ in }
        let port = server.boundAddresses["tcp"]?.port ?? 0
        var clients: [any Channel] = []
        for _ in 0..<5 {
            clients.append(
                try await ClientBootstrap(group: Loopback.group).connect(host: "127.0.0.1", port: port).get()
            )
        }
        #expect(ServerProcess.wait { stats.value(.init("kaiju_limit_hits_total", ["limit": "connections"])) == 2 })
        #expect(ServerProcess.wait { clients.filter { $0.isActive }.count == 3 })
        #expect(
            try Loopback.get(port: server.boundAddresses["admin"]?.port ?? 0, path: "/metrics").contains(
                "kaiju_connections 3.0\n"
            )
        )
        for c in clients { try? await c.close().get() }
        try await server.shutdown()
    }

    @Test func idleConnectionsAreClosedAndCounted() async throws {
        let stats = IngestStats()
        var configuration = ModuleConfiguration(
            name: "test",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: nil,
            hl: nil
        )
        configuration.idleTimeout = .milliseconds(200)
        let server = try await ModuleServer.start(configuration, logger: Self.logger, stats: stats) { _ in }
        let client = try await ClientBootstrap(group: Loopback.group)
            .connect(host: "127.0.0.1", port: server.boundAddresses["tcp"]?.port ?? 0).get()
        #expect(ServerProcess.wait { !client.isActive })
        #expect(stats.value(.init("kaiju_limit_hits_total", ["limit": "idle_timeout"])) == 1)
        try await server.shutdown()
    }

    @Test func shutdownDrainsOpenConnectionsIntoTheEngineThenClosesTheRecording() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kaiju-shutdown-\(UUID()).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stats = IngestStats()
        let configuration = ModuleConfiguration(
            name: "test",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: nil,
            hl: nil
        )
        let recorder = try RecordingWriter(path: path)
        let server = try await ModuleServer.start(configuration, logger: Self.logger, stats: stats, recorder: recorder)
        { _, _ in }
        let client = try await ClientBootstrap(group: Loopback.group)
            .connect(host: "127.0.0.1", port: server.boundAddresses["tcp"]?.port ?? 0).get()
        // The last line has no newline: only the connection's end completes it.
        try await client.writeAndFlush(
            client.allocator.buffer(bytes: Self.metricLines(2) + Array("cpu v=3 1700000000000000000".utf8))
        ).get()
        #expect(ServerProcess.wait { stats.value(.init("kaiju_events_in_total", ["type": "Metric"])) == 2 })
        try await server.shutdown()
        #expect(stats.value(.init("kaiju_events_in_total", ["type": "Metric"])) == 3)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        // Appending after close is counted, not a trap.
        recorder.append("{}\n")
        #expect(recorder.lostLines == 1)
        try? await client.close().get()
    }
}

/// Finding 6 against the real executable: SIGTERM while `--record` is on and senders are writing.
@Suite(.serialized)
struct HardeningProcessTests {
    @Test func sigtermUnderLoadWithRecordExitsZeroAndLeavesOnlyWholeRecordingLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kaiju-sigterm-\(UUID()).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try ServerProcess(
            "kaiju-metrics",
            [
                "--tcp", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--http", "none", "--no-parse", "--record", path,
            ]
        )
        let port = try #require(server.port(of: "tcp"))
        let admin = try #require(server.port(of: "admin"))
        let stop = Atomic(false)
        let finished = Atomic(0)
        for s in 0..<3 {
            DispatchQueue.global().async {
                var i = 0
                while !stop.load(ordering: .relaxed), i < 200 {
                    _ = try? Loopback.tcp(
                        port: port,
                        HardeningServerTests.metricLines(500, from: (s * 1_000 + i) * 500)
                    )
                    i += 1
                }
                finished.add(1, ordering: .relaxed)
            }
        }
        #expect(
            ServerProcess.wait {
                EndToEndTests.sample(
                    (try? Loopback.get(port: admin, path: "/metrics")) ?? "",
                    "kaiju_events_in_total{type=\"Metric\"}"
                ) > 2_000
            }
        )
        #expect(server.terminate() == 0)
        stop.store(true, ordering: .relaxed)
        #expect(ServerProcess.wait { finished.load(ordering: .relaxed) == 3 })
        let recorded = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(recorded.count > 2_000)
        #expect(
            recorded.allSatisfy { (try? RecordingLine(json: Array($0.utf8))) != nil },
            "every recorded line is whole"
        )
        #expect(server.stderr.contains { $0.contains("shutting down") })
    }

    /// Finding 12: SIGKILL of kaiju-hl mid-stream and a restart on the same port lose no Event the
    /// forwarder holds; every Event is counted as forwarded exactly once, when acknowledged.
    @Test func killingKaijuHLMidStreamLosesNothingWithinTheForwardBuffer() throws {
        let statements = FileManager.default.temporaryDirectory.appendingPathComponent("kaiju-kill-\(UUID()).txt").path
        try "listener:simple,name:all=select payload('i') as i from Event\n".write(
            toFile: statements,
            atomically: true,
            encoding: .utf8
        )
        defer { try? FileManager.default.removeItem(atPath: statements) }
        let arguments = ["--admin", "none", "--statements", statements]
        let first = try ServerProcess("kaiju-hl", ["--tcp", "127.0.0.1:0"] + arguments)
        let port = try #require(first.port(of: "tcp"))
        let stats = IngestStats()
        let forwarder = HLForwarder(
            to: BindAddress(host: "127.0.0.1", port: port),
            capacity: 100_000,
            loop: Loopback.group.next(),
            stats: stats,
            logger: HardeningServerTests.logger
        )
        let total = 20_000
        func ids(_ p: ServerProcess?) -> Set<Int> {
            Set(
                (p?.stdout ?? []).compactMap { line in
                    guard let row = try? Value(json: Array(line.utf8)) else { return nil }
                    return row["row"]["i"].intValue.map(Int.init)
                }
            )
        }
        var second: ServerProcess?
        for batch in 0..<20 {
            forwarder.send(
                (batch * 1_000..<(batch + 1) * 1_000).map {
                    Event(timestamp: 1_000, payload: ["i": Value.int(Int64($0))])
                }
            )
            if batch == 10 {
                #expect(
                    ServerProcess.wait { (try? forwarder.backlog().wait()) ?? 0 < 11_000 },
                    "kaiju-hl is taking Events"
                )
                first.kill()
                second = try ServerProcess("kaiju-hl", ["--tcp", "127.0.0.1:\(port)"] + arguments)
            }
            usleep(10_000)
        }
        #expect(ServerProcess.wait(seconds: 60) { (try? forwarder.backlog().wait()) == 0 })
        #expect(ids(first).union(ids(second)) == Set(0..<total))
        #expect(stats.value(.init("kaiju_forwarded_total")) == total)
        #expect(stats.value(.init("kaiju_forward_dropped_total")) == 0)
        try forwarder.close(timeout: .seconds(1)).wait()
        _ = second?.terminate()
    }

    /// Finding 11 at the descriptor limit: connections are capped below it, so admin keeps answering.
    @Test func atTheDescriptorLimitIngestIsCappedAndAdminStillAnswers() throws {
        let server = try ServerProcess(
            "kaiju-metrics",
            [
                "--tcp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--no-parse",
                "--otlp-http", "none", "--otlp-grpc", "none",
            ],
            descriptorLimit: 160
        )
        defer { _ = server.terminate() }
        let tcp = try #require(server.port(of: "tcp"))
        let admin = try #require(server.port(of: "admin"))
        // 160 descriptors, 64 kept free, 16 for admin: 40 for each of the two ingest listeners.
        #expect(server.stderr.contains { $0.contains("40 connections per listener") })
        var clients: [any Channel] = []
        for _ in 0..<100 {
            clients.append(try ClientBootstrap(group: Loopback.group).connect(host: "127.0.0.1", port: tcp).wait())
        }
        defer { for c in clients { try? c.close().wait() } }
        #expect(ServerProcess.wait { clients.filter(\.isActive).count == 40 })
        let metrics = try Loopback.get(port: admin, path: "/metrics")
        #expect(metrics.contains("kaiju_limit_hits_total{limit=\"connections\"} 60\n"))
        #expect(metrics.contains("kaiju_connections 40.0\n"))
        #expect(metrics.contains("kaiju_limit{limit=\"connections\"} 40.0\n"), "the cap in force, not the flag")
    }
}

/// Counters fed by what a Forward peer claims.
extension HardeningServerTests {
    /// Finding 4: the 42-byte message with unsupported compression and `size` = Int64.max, twice.
    @Test func hugeSizeOptionSaturatesTheCountersAndNegativeSizesAreIgnored() throws {
        let hex = "93a3746167c6000000019082aa636f6d70726573736564a47a737464a473697a65d37fffffffffffffff"
        let bytes = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0
        }
        let stats = IngestStats()
        for _ in 0..<2 {
            let message = try bytes.raw { try ForwardDecoder().decode($0, receivedAt: 7) }
            stats.dropped("unsupported", message?.skipped ?? 0)
        }
        #expect(stats.value(.init("kaiju_dropped_total", ["reason": "unsupported"])) == Int.max)
        stats.dropped("unsupported", -5)
        #expect(stats.value(.init("kaiju_dropped_total", ["reason": "unsupported"])) == Int.max)

        var negative = bytes
        negative.replaceSubrange(34..<42, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb])  // size = -5
        let message = try negative.raw { try ForwardDecoder().decode($0, receivedAt: 7) }
        #expect(message?.skipped == 1)
    }
}
