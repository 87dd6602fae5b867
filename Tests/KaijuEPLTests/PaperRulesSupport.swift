import KaijuCore

/// Output rows as "TIME STATEMENT {row}", in order.
final class Printed {
    var lines: [String] = []
    var listener: StatementListener {
        { out in for row in out.rows { self.lines.append("\(out.time) \(out.statement) \(row.jsonString)") } }
    }
    func take() -> [String] {
        defer { self.lines.removeAll() }
        return self.lines
    }
}

extension Runtime {
    /// Sends a row of a declared type by column name (missing columns are null).
    func send(_ type: String, _ values: [String: Value], at t: Int64) throws {
        let columns = self.types[type]!.columns
        try self.send(row: columns.map { values[$0.name] ?? .null }, type: type, timestamp: t)
    }

    func counter(_ container: String, _ value: Double, at t: Int64) {
        self.send(
            Metric(
                name: "container_cpu_usage_seconds_total",
                timestamp: t,
                fields: ["counter": Value.double(value)],
                tags: ["container_name": Value.string(container), "pod_name": "p1", "namespace": "n1"]
            )
        )
    }

    func limit(_ container: String, _ gauge: Double, at t: Int64) {
        self.send(
            Metric(
                name: "kube_pod_container_resource_limits_cpu_cores",
                timestamp: t,
                fields: ["gauge": Value.double(gauge)],
                tags: ["container": Value.string(container), "pod": "p1", "namespace": "n1"]
            )
        )
    }
}
