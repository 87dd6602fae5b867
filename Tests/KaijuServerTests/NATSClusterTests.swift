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

/// The issue's proof on loopback with a real nats-server: three modules publishing (Events their rules
/// insert, with the server's key and a statement's own key, and Events passed through), two kaiju-hl
/// replicas over four partitions giving the rows one kaiju-hl gives; and a nats-server killed and
/// restarted on its store under a publishing module and a consuming replica, nothing lost.
@Suite(.serialized)
struct NATSClusterTests {
    /// The latest count per namespace each kaiju-hl printed, as `hl:namespace`.
    final class Counts: Sendable {
        let values = Mutex<[String: Int]>([:])
        var all: [String: Int] { self.values.withLock { $0 } }
        var total: Int { self.all.values.reduce(0, +) }
    }

    static let logger = Logger(label: "test")
    static let perNamespace =
        "select coalesce(payload('namespace'), context('namespace')) as ns, count(*) as n from Event group by coalesce(payload('namespace'), context('namespace'))"

    /// A kaiju-hl (`replica` of two over four partitions, or without NATS when `nats` is nil) counting
    /// Events per namespace into `counts` under `label`.
    static func hl(
        _ nats: NATSTestServer?,
        replica: Int,
        label: String,
        counts: Counts,
        learnsReplicas: Bool = false
    ) async throws -> ModuleServer {
        var configuration = ModuleConfiguration(
            name: "kaiju-hl",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: nil,
            hl: nil
        )
        if let nats {
            configuration.nats = Self.link(nats, replica: replica)
            if learnsReplicas {
                configuration.nats?.replicas = 0
                configuration.nats?.heartbeat = .milliseconds(200)
            }
            configuration.consumesNATS = true
        }
        return try await ModuleServer.start(configuration, logger: Self.logger) { runtime in
            try EPL.install(Self.perNamespace, in: runtime, name: "perns") { output in
                counts.values.withLock { c in
                    for row in output.rows {
                        c["\(label):" + (row["ns"]?.stringValue ?? "")] = Int(row["n"]?.intValue ?? 0)
                    }
                }
            }
        }
    }

    /// Four partitions by `payload.namespace`, replica `replica` of two.
    static func link(_ server: NATSTestServer, replica: Int) -> NATSLink {
        var link = NATSLink(options: NATSOptions(host: "127.0.0.1", port: server.port, name: "test"))
        link.partitions = 4
        link.partitionKey = ["payload", "namespace"]
        link.replicas = 2
        link.replica = replica
        return link
    }

    /// A source module publishing to `nats`, reading ndjson on TCP, running `rules` (a module text whose
    /// statements may carry `@partitionKey`).
    static func module(_ name: String, _ nats: NATSTestServer, rules: String) async throws -> ModuleServer {
        var configuration = ModuleConfiguration(
            name: name,
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: nil,
            hl: nil
        )
        configuration.nats = Self.link(nats, replica: 0)
        let module = try EPLModule(text: rules)
        return try await ModuleServer.start(configuration, logger: Self.logger) { runtime, sinks in
            try module.install(in: runtime) { name, statement in
                if let entry = try? statement.entry(name: name) { sinks.remember(name: name, entry: entry) }
                return nil
            }
        }
    }

    static func send(_ server: ModuleServer, _ lines: [String]) throws {
        _ = try Loopback.tcp(
            port: server.boundAddresses["tcp"]?.port ?? 0,
            Array(lines.joined(separator: "\n").utf8) + [10]
        )
    }

    /// Per-namespace counts merged over labels; each namespace must come from one label only.
    static func merged(_ counts: [String: Int]) -> (counts: [String: Int], labels: [String: Set<String>]) {
        var merged: [String: Int] = [:]
        var labels: [String: Set<String>] = [:]
        for (key, n) in counts {
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            merged[parts[1], default: 0] += n
            labels[parts[1], default: []].insert(parts[0])
        }
        return (merged, labels)
    }

    @Test func threeModulesTwoReplicasGiveTheRowsOfOneKaijuHL() async throws {
        let nats = try NATSTestServer()
        let counts = Counts()
        let r0 = try await Self.hl(nats, replica: 0, label: "r0", counts: counts)
        let r1 = try await Self.hl(nats, replica: 1, label: "r1", counts: counts)
        let single = Counts()
        let one = try await Self.hl(nil, replica: 0, label: "one", counts: single)
        // kaiju-metrics inserts Events with the namespace in the payload (the server's key);
        // kaiju-logs with it in the context, partitioned by its statement's own key;
        // kaiju-traces passes Events it receives through.
        let metrics = try await Self.module(
            "kaiju-metrics",
            nats,
            rules:
                "insert into Event select timestamp, new {namespace=tags('namespace'), v=fields('v')} as payload, new {source='metrics'} as context from Metric"
        )
        let logs = try await Self.module(
            "kaiju-logs",
            nats,
            rules:
                "@partitionKey('context.namespace') insert into Event select timestamp, new {line=fields('log')} as payload, new {namespace=fields('ns')} as context from FLog"
        )
        let traces = try await Self.module("kaiju-traces", nats, rules: "")
        var metricLines: [String] = []
        var logLines: [String] = []
        var eventLines: [String] = []
        for i in 0..<90 {
            let ns = "ns\(i % 6)"
            metricLines.append(
                #"{"name":"m","timestamp":1700000000,"fields":{"v":\#(i)},"tags":{"namespace":"\#(ns)"}}"#
            )
            logLines.append(#"{"log":"line \#(i)","ns":"\#(ns)"}"#)
            eventLines.append(#"{"timestamp":1700000000000,"payload":{"namespace":"\#(ns)","i":\#(i)},"context":{}}"#)
        }
        try Self.send(metrics, metricLines)
        try Self.send(logs, logLines)
        try Self.send(traces, eventLines)
        // The same Events, as one kaiju-hl without NATS gets them over TCP.
        try Self.send(one, eventLines)
        try Self.send(
            one,
            (0..<90).map {
                #"{"timestamp":1700000000000,"payload":{"namespace":"ns\#($0 % 6)","v":\#($0)},"context":{"source":"metrics"}}"#
            }
        )
        try Self.send(
            one,
            (0..<90).map {
                #"{"timestamp":1700000000000,"payload":{"line":"line \#($0)"},"context":{"namespace":"ns\#($0 % 6)"}}"#
            }
        )
        #expect(await ServerProcess.eventually(seconds: 30) { counts.total == 270 && single.total == 270 })
        let (replicated, labels) = Self.merged(counts.all)
        let (alone, _) = Self.merged(single.all)
        #expect(replicated == alone)
        #expect(alone == ["ns0": 45, "ns1": 45, "ns2": 45, "ns3": 45, "ns4": 45, "ns5": 45])
        // Each namespace's Events, from all three modules and both keys, reached one replica; both worked.
        #expect(labels.values.allSatisfy { $0.count == 1 })
        #expect(Set(labels.values.flatMap { $0 }) == ["r0", "r1"])
        for server in [metrics, logs, traces, r0, r1, one] { try await server.shutdown() }
    }

    /// nats-server SIGKILLed under a publishing module and a consuming replica, then restarted on its
    /// store: the module holds and retries what was not acknowledged, the replica resumes from its
    /// consumers, and every Event arrives.
    @Test func aRestartedNATSServerLosesNoEvent() async throws {
        let nats = try NATSTestServer()
        let counts = Counts()
        let r0 = try await Self.hl(nats, replica: 0, label: "r0", counts: counts)
        let r1 = try await Self.hl(nats, replica: 1, label: "r1", counts: counts)
        let module = try await Self.module("kaiju-traces", nats, rules: "")
        func events(_ range: Range<Int>) -> [String] {
            range.map { #"{"timestamp":1700000000000,"payload":{"namespace":"ns\#($0 % 5)","i":\#($0)},"context":{}}"# }
        }
        try Self.send(module, events(0..<100))
        #expect(await ServerProcess.eventually(seconds: 30) { counts.total == 100 })
        nats.kill()
        try Self.send(module, events(100..<200))
        // Held by the module while the server is down.
        #expect(
            await ServerProcess.eventually(seconds: 10) {
                module.pump.stats.gaugeSnapshot.first { $0.0.name == "kaiju_nats_publish_pending" }?.1 == 100
            }
        )
        try nats.start()
        #expect(await ServerProcess.eventually(seconds: 60) { counts.total >= 200 })
        let (merged, _) = Self.merged(counts.all)
        #expect(merged == ["ns0": 40, "ns1": 40, "ns2": 40, "ns3": 40, "ns4": 40])
        for server in [module, r0, r1] { try await server.shutdown() }
    }

    /// A statements.txt `listener:hl` statement publishes its rows as Events to JetStream when the
    /// server runs with `--nats` and no `--hl`, partitioned by the line's `partitionKey`.
    @Test func hlListenerRowsGoToJetStreamByTheirStatementsKey() async throws {
        let nats = try NATSTestServer()
        let counts = Counts()
        let r0 = try await Self.hl(nats, replica: 0, label: "r0", counts: counts)
        let r1 = try await Self.hl(nats, replica: 1, label: "r1", counts: counts)
        var configuration = ModuleConfiguration(
            name: "kaiju-metrics",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: nil,
            hl: nil
        )
        configuration.nats = Self.link(nats, replica: 0)
        let (file, errors) = StatementsFile.parse(
            "listener:hl,name:rows,partitionKey:context.namespace=select timestamp, new {v=fields('v')} as payload, new {namespace=tags('namespace')} as context from Metric"
        )
        #expect(errors.isEmpty)
        let module = try await ModuleServer.start(configuration, logger: Self.logger) { runtime, sinks in
            let failed = file.install(in: runtime) { entry in
                sinks.remember(name: entry.name ?? "", entry: entry)
                return try? sinks.listener(for: entry.listener)
            }
            #expect(failed.isEmpty)
        }
        try Self.send(
            module,
            (0..<60).map {
                #"{"name":"m","timestamp":1700000000,"fields":{"v":\#($0)},"tags":{"namespace":"ns\#($0 % 4)"}}"#
            }
        )
        #expect(await ServerProcess.eventually(seconds: 30) { counts.total == 60 })
        let (merged, labels) = Self.merged(counts.all)
        #expect(merged == ["ns0": 15, "ns1": 15, "ns2": 15, "ns3": 15])
        #expect(labels.values.allSatisfy { $0.count == 1 })
        for server in [module, r0, r1] { try await server.shutdown() }
    }

    /// `--replicas 0`: replicas learn their count from each other's heartbeats and hand partitions over
    /// when one joins or leaves (an autoscaler resizing the StatefulSet); no Event is lost or counted twice.
    @Test func replicasLearnTheirCountAndHandPartitionsOver() async throws {
        let nats = try NATSTestServer()
        let counts = Counts()
        let module = try await Self.module("kaiju-traces", nats, rules: "")
        func events(_ range: Range<Int>) -> [String] {
            range.map { #"{"timestamp":1700000000000,"payload":{"namespace":"ns\#($0 % 6)","i":\#($0)},"context":{}}"# }
        }
        func partitions(_ server: ModuleServer) -> Int? {
            server.pump.stats.gaugeSnapshot.first { $0.0.name == "kaiju_nats_partitions" }?.1
        }
        let r0 = try await Self.hl(nats, replica: 0, label: "r0", counts: counts, learnsReplicas: true)
        #expect(partitions(r0) == 4)
        try Self.send(module, events(0..<120))
        #expect(await ServerProcess.eventually(seconds: 30) { counts.total == 120 })
        // A second replica joins: each now takes two partitions.
        let r1 = try await Self.hl(nats, replica: 1, label: "r1", counts: counts, learnsReplicas: true)
        #expect(partitions(r1) == 2)
        #expect(await ServerProcess.eventually(seconds: 10) { partitions(r0) == 2 })
        try Self.send(module, events(120..<240))
        #expect(await ServerProcess.eventually(seconds: 30) { counts.total == 240 })
        let (_, labels) = Self.merged(counts.all)
        #expect(labels.values.contains { $0 == ["r0", "r1"] }, "some namespaces moved to the new replica")
        // It leaves: the first takes all four partitions back.
        try await r1.shutdown()
        #expect(await ServerProcess.eventually(seconds: 10) { partitions(r0) == 4 })
        try Self.send(module, events(240..<360))
        #expect(await ServerProcess.eventually(seconds: 30) { counts.total == 360 })
        let (merged, _) = Self.merged(counts.all)
        #expect(merged == ["ns0": 60, "ns1": 60, "ns2": 60, "ns3": 60, "ns4": 60, "ns5": 60])
        for server in [module, r0] { try await server.shutdown() }
    }
}
