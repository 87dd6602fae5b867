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
        let series =
            label("__name__", "up") + label("job", "node") + sample(1, 1_700_000_000_000) + sample(0, 1_700_000_001_000)
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

    @Test func textExpositionAndOpenMetrics() {
        let text = """
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",path="/a \\"b\\"\\n"} 1027 1395066363000
            latency_bucket{le="0.5"} 3
            latency_bucket{le="+Inf",} 5
            latency_sum 2.5
            up NaN
            bad{x="1" 7
            temperature -Inf
            """
        let parsed = PrometheusExposition.parse(Array(text.utf8), openMetrics: false, scrapedAt: 42)
        #expect(
            parsed.metrics.map(\.name) == [
                "http_requests_total", "latency_bucket", "latency_bucket", "latency_sum", "up", "temperature",
            ]
        )
        #expect(
            parsed.metrics[0]
                == Metric(
                    name: "http_requests_total",
                    timestamp: 1_395_066_363_000,
                    fields: ["value": 1027.0],
                    tags: ["method": "post", "path": "/a \"b\"\n"]
                )
        )
        #expect(
            parsed.metrics[2]
                == Metric(name: "latency_bucket", timestamp: 42, fields: ["value": 5.0], tags: ["le": "+Inf"])
        )
        #expect(parsed.metrics[4].fields["value"]?.doubleValue?.isNaN == true)
        #expect(parsed.metrics[5].fields["value"] == .double(-.infinity))
        #expect(parsed.errors.map(\.description) == [#"prometheus text at byte 10: line 8: expected label="value""#])
        let open = """
            # TYPE requests counter
            requests_total{code="200"} 3 1700000000.5 # {trace_id="abc"} 1 1700000000.4
            requests_created{code="200"} 1700000000
            # EOF
            ignored 1
            """
        let metrics = PrometheusExposition.parse(Array(open.utf8), openMetrics: true, scrapedAt: 42).metrics
        #expect(
            metrics == [
                Metric(
                    name: "requests_total",
                    timestamp: 1_700_000_000_500,
                    fields: ["value": 3.0],
                    tags: ["code": "200"]
                ),
                Metric(
                    name: "requests_created",
                    timestamp: 42,
                    fields: ["value": 1_700_000_000.0],
                    tags: ["code": "200"]
                ),
            ]
        )
    }

    /// `--scrape` of the real node exporter and of another Kaiju server's own `/metrics`.
    @Test func scrapesTheNodeExporterAndKaiju() async throws {
        let exporter = try NodeExporterTestServer()
        let other = try await ModuleServer.start(
            ModuleConfiguration(name: "kaiju-logs", listeners: [], admin: .loopback, hl: nil),
            logger: Logger(label: "test")
        ) { _ in }
        let otherAdmin = other.boundAddresses["admin"]?.port ?? 0
        let rows = Rows()
        var configuration = ModuleConfiguration(name: "kaiju-metrics", listeners: [], admin: nil, hl: nil)
        configuration.scrape = ["http://127.0.0.1:\(exporter.port)/metrics", "http://127.0.0.1:\(otherAdmin)/metrics"]
        configuration.scrapeInterval = .milliseconds(200)
        let server = try await ModuleServer.start(configuration, logger: Logger(label: "test")) { runtime in
            try EPL.install(
                "select name, tags('limit') as lim, fields('value') as value from Metric(name in ('node_exporter_build_info', 'kaiju_limit'))",
                in: runtime,
                name: "scraped"
            ) { output in rows.lines.withLock { $0 += output.rows.map(\.jsonString) } }
        }
        #expect(
            await ServerProcess.eventually(seconds: 20) {
                rows.all.contains(#"{"name":"node_exporter_build_info","lim":null,"value":1.0}"#)
                    && rows.all.contains(#"{"name":"kaiju_limit","lim":"groups","value":1000000.0}"#)
            }
        )
        let target = "http://127.0.0.1:\(exporter.port)/metrics"
        #expect(server.pump.stats.value(.init("kaiju_scrape_total", ["target": target, "outcome": "ok"])) >= 1)
        try await server.shutdown()
        try await other.shutdown()
    }
}
