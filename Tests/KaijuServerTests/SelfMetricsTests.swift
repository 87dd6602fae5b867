import Foundation
import KaijuCore
import KaijuEPL
import KaijuTestSupport
import Logging
import NIOCore
import Testing

@testable import KaijuServer

/// A server's own metrics through swift-metrics and swift-prometheus: every family with `# HELP` and
/// `# TYPE`, names as before, build and process metrics, accepted by `promtool check metrics`.
struct SelfMetricsTests {
    /// Runs `promtool check metrics` (Debian's `prometheus` package) over `text`: its exit status and output.
    static func promtool(_ text: String) throws -> (status: Int32, output: String) {
        let candidates = ["/usr/bin/promtool", "/usr/local/bin/promtool"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSetupError("promtool is not installed (apt-get install prometheus)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let said = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: said, as: UTF8.self))
    }

    /// The metric families of an exposition: name → (help, type).
    static func families(_ text: String) -> [String: (help: String?, type: String?)] {
        var out: [String: (help: String?, type: String?)] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# ") {
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard parts.count == 4 else { continue }
            if parts[1] == "HELP" { out[parts[2], default: (nil, nil)].help = parts[3] }
            if parts[1] == "TYPE" { out[parts[2], default: (nil, nil)].type = parts[3] }
        }
        return out
    }

    @Test func everyMetricHasHelpAndTypeAndPromtoolAcceptsThem() async throws {
        var configuration = ModuleConfiguration(
            name: "kaiju-metrics",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: .loopback,
            hl: nil
        )
        configuration.idleTimeout = nil
        let module = """
            create table Hosts(host string primary key, n long);
            @name('hosts') on Metric as m merge Hosts h where h.host = m.tags('host')
              when not matched then insert select m.tags('host') as host, 1L as n;
            @name('busy "cpu"') select tags('host') as host from Metric(fields('usage') > 90);
            """
        let server = try await ModuleServer.start(configuration, logger: Logger(label: "test")) { runtime in
            try EPLModule(text: module).install(in: runtime)
        }
        var text = ""
        for (host, usage) in [("a", 95), ("b", 10), ("a", 99)] {
            text += #"{"name":"cpu","fields":{"usage":\#(usage)},"tags":{"host":"\#(host)"},"timestamp":1}"# + "\n"
        }
        _ = try Loopback.tcp(port: server.boundAddresses["tcp"]?.port ?? 0, Array(text.utf8))
        server.pump.stats.limitHit("depth")
        let admin = server.boundAddresses["admin"]?.port ?? 0
        #expect(
            await ServerProcess.eventually {
                (try? Loopback.get(port: admin, path: "/metrics"))?.contains(#"kaiju_events_in_total{type="Metric"} 3"#)
                    == true
            }
        )
        let body = try Loopback.get(port: admin, path: "/metrics")
        // Exact samples: counters as integers, gauges as Prometheus' floats, label values escaped.
        for line in [
            #"kaiju_events_in_total{type="Metric"} 3"#,
            #"kaiju_limit_hits_total{limit="depth"} 1"#,
            #"kaiju_statement_events_in_total{statement="hosts"} 3"#,
            #"kaiju_statement_rows_out_total{statement="busy \"cpu\""} 2"#,
            #"kaiju_table_rows{table="Hosts"} 2.0"#,
            #"kaiju_table_rows_refused_total{table="Hosts"} 0"#,
            #"kaiju_queue_depth 0.0"#,
            #"kaiju_limit{limit="depth"} 64.0"#,
            #"kaiju_build_info{server="kaiju-metrics",version="\#(KaijuBuild.version)",swift="\#(KaijuBuild.swift)"} 1.0"#,
        ] {
            #expect(body.contains(line + "\n"), "\(line)")
        }
        let families = Self.families(body)
        for (name, type) in [
            ("kaiju_events_in_total", "counter"), ("kaiju_queue_depth", "gauge"), ("kaiju_limit", "gauge"),
            ("kaiju_statement_groups", "gauge"), ("kaiju_table_rows_refused_total", "counter"),
            ("process_cpu_seconds_total", "counter"), ("process_resident_memory_bytes", "gauge"),
            ("process_virtual_memory_bytes", "gauge"), ("process_open_fds", "gauge"), ("process_max_fds", "gauge"),
            ("process_start_time_seconds", "gauge"), ("kaiju_build_info", "gauge"),
        ] {
            #expect(families[name]?.type == type, "\(name)")
        }
        for (name, family) in families {
            #expect(family.help == MetricCatalog.help(name) && MetricCatalog.describes(name), "\(name) has help")
            #expect(family.type != nil, "\(name) has a type")
        }
        let checked = try Self.promtool(body)
        #expect(checked.status == 0)
        #expect(checked.output == "", "promtool: \(checked.output)")
        try await server.shutdown()
    }

    @Test func theHelpTextsDescribeExactlyTheMetricsTheSourcesName() throws {
        let sources = try GrafanaDashboardTests.sources()
        var named = Set<String>()
        var rest = Substring(sources)
        while let range = rest.range(of: "\"kaiju_") {
            let name = rest[rest.index(after: range.lowerBound)...].prefix { $0.isLetter || $0 == "_" || $0.isNumber }
            named.insert(String(name))
            rest = rest[name.endIndex...]
        }
        #expect(named.count > 40)
        for name in named.sorted() { #expect(MetricCatalog.describes(name), "\(name) has no help text") }
        for name in MetricCatalog.names.sorted() {
            #expect(sources.contains("\"\(name)\""), "\(name) is described but not exported")
        }
    }

    @Test func syncedCountersNeverGoDownAndGoneSeriesAreDropped() throws {
        let stats = IngestStats()
        let a = IngestStats.Key("kaiju_statement_rows_out_total", ["statement": "a"])
        let b = IngestStats.Key("kaiju_statement_rows_out_total", ["statement": "b"])
        stats.sync(a, to: 5)
        stats.sync(b, to: 0)
        stats.sync(a, to: 7)
        // The statement was replaced and counts from zero again: the counter goes on from 7.
        stats.sync(a, to: 2)
        var text = String(decoding: stats.exposition(), as: UTF8.self)
        #expect(text.contains("kaiju_statement_rows_out_total{statement=\"a\"} 9\n"))
        #expect(text.contains("kaiju_statement_rows_out_total{statement=\"b\"} 0\n"))
        stats.retain(["kaiju_statement_rows_out_total"], keeping: [a])
        text = String(decoding: stats.exposition(), as: UTF8.self)
        #expect(text.contains("kaiju_statement_rows_out_total{statement=\"a\"} 9\n"))
        #expect(!text.contains("statement=\"b\""))
        // Counters saturate instead of overflowing.
        stats.add(.init("kaiju_forwarded_total"), Int.max - 5)
        stats.add(.init("kaiju_forwarded_total"), 10)
        stats.add(.init("kaiju_forwarded_total"), 1)
        #expect(stats.value(.init("kaiju_forwarded_total")) == Int.max)
        text = String(decoding: stats.exposition(), as: UTF8.self)
        #expect(text.contains("kaiju_forwarded_total \(Int.max)\n"))
    }

    @Test func procStatFieldsAfterACommandWithSpaces() throws {
        let line =
            "4242 (kaiju (x) y) S 1 4242 4242 0 -1 4194560 900 0 0 0 150 25 0 0 20 0 9 0 12345 645877760 3072 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
        let stat = try #require(ProcessMetrics.parseStat(line))
        #expect(stat.utime == 150)
        #expect(stat.stime == 25)
        #expect(stat.start == 12345)
        #expect(stat.vsize == 645_877_760)
        #expect(stat.rss == 3072)
        #expect(ProcessMetrics.parseStat("no parenthesis") == nil)
    }
}
