import Foundation
import KaijuCore
import Testing

/// `deploy/grafana/kaiju.json`: it parses, every panel has a Prometheus query, and every `kaiju_*` metric
/// a query names is one a server exports (its name stands in the servers' sources), so a renamed metric
/// fails here instead of leaving an empty panel.
struct GrafanaDashboardTests {
    static let root: URL = {
        var dir = URL(fileURLWithPath: #filePath)
        while dir.pathComponents.count > 1,
            !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path)
        {
            dir.deleteLastPathComponent()
        }
        return dir
    }()

    /// Every Swift source of the servers and libraries, concatenated, but the metrics' help texts
    /// (`MetricCatalog.swift`, which names every metric whether exported or not).
    static func sources() throws -> String {
        let base = Self.root.appendingPathComponent("Sources")
        var text = ""
        let files = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") && !file.hasSuffix("MetricCatalog.swift") {
            text += try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
        }
        return text
    }

    @Test func everyQueryNamesAnExportedMetric() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("deploy/grafana/kaiju.json"))
        let dashboard = try Value(json: [UInt8](data))
        let panels = dashboard["panels"].arrayValue ?? []
        #expect(panels.count >= 10)
        var expressions: [String] = []
        for panel in panels {
            let targets = panel["targets"].arrayValue ?? []
            #expect(!targets.isEmpty, "\(panel["title"])")
            expressions += targets.compactMap { $0["expr"].stringValue }
        }
        #expect(expressions.count == panels.count)
        let sources = try Self.sources()
        var names = Set<String>()
        for expr in expressions {
            var rest = Substring(expr)
            while let range = rest.range(of: "kaiju_") {
                let name = rest[range.lowerBound...].prefix { $0.isLetter || $0 == "_" || $0.isNumber }
                names.insert(String(name))
                rest = rest[name.endIndex...]
            }
        }
        #expect(
            names.isSuperset(of: [
                "kaiju_events_in_total", "kaiju_decode_errors_total", "kaiju_dropped_total", "kaiju_queue_depth",
                "kaiju_forward_backlog", "kaiju_statement_rows_out_total",
            ])
        )
        for name in names.sorted() {
            #expect(sources.contains("\"\(name)\"") || sources.contains("\(name){"), "\(name) is not exported")
        }
    }
}
