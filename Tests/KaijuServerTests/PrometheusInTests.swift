import Foundation
import KaijuCodecs
import KaijuCore
import KaijuEPL
import KaijuTestSupport
import Logging
import NIOCore
import Synchronization
import Testing

@testable import KaijuServer

/// Prometheus in: snappy blocks, remote-write requests, and the real Prometheus remote-writing what it
/// scrapes to kaiju-metrics.
struct PrometheusInTests {
    @Test func snappyBlocks() throws {
        // "abcabcabc": a literal "abc", then a 1-byte-offset copy of 6 bytes from 3 back.
        #expect(try SnappyBlock().decompress([0x09, 0x08, 0x61, 0x62, 0x63, 0x09, 0x03]) == Array("abcabcabc".utf8))
        // A 2-byte-offset copy, and an empty block.
        #expect(try SnappyBlock().decompress([0x04, 0x00, 0x78, 0x0a, 0x01, 0x00]) == Array("xxxx".utf8))
        #expect(try SnappyBlock().decompress([0x00]) == [])
        // A copy before the start, a length over the limit, a block shorter than it says.
        #expect(throws: IngestError.self) { try SnappyBlock().decompress([0x09, 0x08, 0x61, 0x62, 0x63, 0x09, 0x09]) }
        #expect(throws: IngestError.self) { try SnappyBlock(maxInflatedSize: 4).decompress([0x09, 0x20, 0x61]) }
        #expect(throws: IngestError.self) { try SnappyBlock().decompress([0x05, 0x00, 0x61]) }
    }

    @Test func remoteWriteRequests() throws {
        // WriteRequest{timeseries: [{labels: [__name__=up, job=node], samples: [{1.0, 1700000000000}, {0.0, 1700000001000}]}]}
        func field(_ n: UInt8, _ bytes: [UInt8]) -> [UInt8] { [n << 3 | 2, UInt8(bytes.count)] + bytes }
        func label(_ k: String, _ v: String) -> [UInt8] { field(1, field(1, Array(k.utf8)) + field(2, Array(v.utf8))) }
        func varint(_ v: UInt64) -> [UInt8] {
            var v = v
            var out: [UInt8] = []
            while v >= 0x80 {
                out.append(UInt8(v & 0x7f) | 0x80)
                v >>= 7
            }
            return out + [UInt8(v)]
        }
        func sample(_ value: Double, _ time: UInt64) -> [UInt8] {
            let bits = value.bitPattern
            let double = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
            return field(2, [0x09] + double + [0x10] + varint(time))
        }
        let series = label("__name__", "up") + label("job", "node") + sample(1, 1_700_000_000_000) + sample(0, 1_700_000_001_000)
        let request = field(1, series)
        #expect(
            try PrometheusRemoteWrite.decode(request) == [
                Metric(name: "up", timestamp: 1_700_000_000_000, fields: ["value": 1.0], tags: ["job": "node"]),
                Metric(name: "up", timestamp: 1_700_000_001_000, fields: ["value": 0.0], tags: ["job": "node"]),
            ]
        )
        #expect(throws: IngestError.self) { try PrometheusRemoteWrite.decode([0x0a, 0x05]) }
    }

    final class Rows: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { self.lines.withLock { $0 } }
    }

    /// The real Prometheus scrapes itself and remote-writes to kaiju-metrics' `--http`: its `up` sample
    /// arrives as a Metric.
    @Test func theRealPrometheusRemoteWritesToKaiju() async throws {
        let rows = Rows()
        let configuration = ModuleConfiguration(
            name: "kaiju-metrics",
            listeners: [.http(name: "http", address: .loopback, kind: .telegraf)],
            admin: nil,
            hl: nil
        )
        let server = try await ModuleServer.start(configuration, logger: Logger(label: "test")) { runtime in
            try EPL.install(
                "select name, tags('job') as job, tags('instance') as instance, fields('value') as value from Metric(name = 'up')",
                in: runtime,
                name: "up"
            ) { output in rows.lines.withLock { $0 += output.rows.map(\.jsonString) } }
        }
        let port = server.boundAddresses["http"]?.port ?? 0
        let prometheus = try PrometheusTestServer(remoteWrite: "http://127.0.0.1:\(port)/api/v1/write")
        #expect(await ServerProcess.eventually(seconds: 60) { !rows.all.isEmpty })
        #expect(rows.all.first == #"{"name":"up","job":"self","instance":"127.0.0.1:\#(prometheus.port)","value":1.0}"#)
        #expect(server.pump.stats.value(.init("kaiju_http_requests_total", ["listener": "http", "code": "204"])) >= 1)
        try await server.shutdown()
    }
}
