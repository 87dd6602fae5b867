import Foundation
import KaijuCore
import KaijuEPL
import KaijuNATS
import KaijuTestSupport
import Logging
import NIOCore
import Synchronization
import Testing

@testable import KaijuServer

/// Modules over NATS JetStream: a module publishes the Events it receives to partitions keyed by
/// namespace; two kaiju-hl replicas consume two partitions each; a rule counting per namespace gives,
/// over both replicas, the counts one kaiju-hl would, each namespace on one replica only.
@Suite(.serialized)
struct NATSPartitionTests {
    /// Each replica's latest count per namespace, as `replica:namespace`.
    final class Counts: Sendable {
        let values = Mutex<[String: Int]>([:])
    }

    static let logger = Logger(label: "test")

    /// Four partitions by `payload.namespace`, replica `replica` of two.
    static func link(_ server: NATSTestServer, replica: Int) -> NATSLink {
        NATSClusterTests.link(server, replica: replica)
    }

    /// A kaiju-hl replica counting Events per namespace into `counts` (namespace → latest count).
    static func replica(
        _ server: NATSTestServer,
        _ i: Int,
        counts: Counts
    ) async throws -> ModuleServer {
        var configuration = ModuleConfiguration(name: "kaiju-hl", listeners: [], admin: .loopback, hl: nil)
        configuration.nats = Self.link(server, replica: i)
        configuration.consumesNATS = true
        return try await ModuleServer.start(configuration, logger: Self.logger) { runtime in
            try EPL.install(
                "select payload('namespace') as ns, count(*) as n from Event group by payload('namespace')",
                in: runtime,
                name: "perns"
            ) { output in
                counts.values.withLock { c in
                    for row in output.rows {
                        c["\(i):" + (row["ns"]?.stringValue ?? "")] = Int(row["n"]?.intValue ?? 0)
                    }
                }
            }
        }
    }

    @Test func twoReplicasSplitFourPartitionsByNamespace() async throws {
        let nats = try NATSTestServer()
        let counts = Counts()
        let r0 = try await Self.replica(nats, 0, counts: counts)
        let r1 = try await Self.replica(nats, 1, counts: counts)
        var moduleConfiguration = ModuleConfiguration(
            name: "kaiju-logs",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: nil,
            hl: nil
        )
        moduleConfiguration.nats = Self.link(nats, replica: 0)
        let module = try await ModuleServer.start(moduleConfiguration, logger: Self.logger) { _ in }
        var text = ""
        var expected: [String: Int] = [:]
        for i in 0..<200 {
            let ns = "ns\(i % 7)"
            expected[ns, default: 0] += 1
            text += #"{"timestamp":1700000000000,"payload":{"namespace":"\#(ns)","i":\#(i)},"context":{}}"# + "\n"
        }
        _ = try Loopback.tcp(port: module.boundAddresses["tcp"]?.port ?? 0, Array(text.utf8))
        #expect(
            await ServerProcess.eventually(seconds: 30) {
                counts.values.withLock { $0.values.reduce(0, +) } == 200
            }
        )
        let seen = counts.values.withLock { $0 }
        var merged: [String: Int] = [:]
        for (key, n) in seen {
            let ns = String(key.split(separator: ":")[1])
            #expect(merged[ns] == nil, "namespace \(ns) reached one replica only")
            merged[ns] = n
        }
        #expect(merged == expected)
        #expect(Set(seen.keys.map { $0.prefix(1) }) == ["0", "1"], "both replicas took a share")
        // The backlog gauges of replica 0's partitions (0 and 2) come down to 0 once all is consumed.
        let admin = r0.boundAddresses["admin"]?.port ?? 0
        #expect(
            await ServerProcess.eventually(seconds: 10) {
                let metrics = (try? Loopback.get(port: admin, path: "/metrics")) ?? ""
                return metrics.contains("kaiju_nats_pending{partition=\"0\"} 0.0\n")
                    && metrics.contains("kaiju_nats_pending{partition=\"2\"} 0.0\n")
                    && metrics.contains("kaiju_nats_ack_pending{partition=\"0\"} 0.0\n")
            }
        )
        try await module.shutdown()
        try await r0.shutdown()
        try await r1.shutdown()
    }

    /// kaiju-hl acknowledges a message only after its engine processed it: SIGKILLed mid-stream and
    /// started again, it resumes from its durable consumer and no Event is lost (some come twice).
    @Test func aKilledReplicaResumesWithoutLosingEvents() async throws {
        let nats = try NATSTestServer()
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("kaiju-nats-\(UUID()).epl").path
        try "@name('e') select payload('i') as i from Event".write(toFile: rules, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: rules) }
        let args = [
            "--nats", "nats://127.0.0.1:\(nats.port)", "--rules", rules, "--tcp", "none", "--admin", "none",
            "--log-level", "warning", "--nats-ack-wait", "2",
        ]
        let connection = try await NATSConnection.connect(NATSOptions(host: "127.0.0.1", port: nats.port))
        let js = JetStream(connection)
        try await js.ensureStream(.init(name: "KAIJU_EVENTS", subjects: ["kaiju.events.*"]))
        func publish(_ range: Range<Int>) async throws {
            for i in range {
                let line = #"{"timestamp":1700000000000,"payload":{"i":\#(i)},"context":{}}"#
                _ = try await js.publish("kaiju.events.0", payload: Array(line.utf8), messageID: "e\(i)")
            }
        }
        func seen(_ p: ServerProcess) -> Set<Int> {
            Set(p.stdout.compactMap { line in line.split(separator: ":").last.flatMap { Int($0.dropLast(2)) } })
        }
        let first = try ServerProcess("kaiju-hl", args)
        try await publish(0..<400)
        #expect(await ServerProcess.eventually(seconds: 30) { seen(first).count >= 100 })
        first.kill()
        try await publish(400..<600)
        let second = try ServerProcess("kaiju-hl", args)
        #expect(await ServerProcess.eventually(seconds: 30) { seen(first).union(seen(second)).count == 600 })
        #expect(seen(first).union(seen(second)) == Set(0..<600))
        _ = second.terminate()
        await connection.close()
    }
}
