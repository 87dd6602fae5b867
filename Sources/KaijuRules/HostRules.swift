public import KaijuCore
public import KaijuEPL

/// Kaiju's embedded default rule set for metrics, written with the typed query builder.
///
/// - `HostIdle`: the mean `usage_idle` of each host's `cpu` metrics over the last minute, once a minute.
/// - `LowIdleHost`: a host below 20 % idle becomes a generic `Event` (for kaiju-hl).
/// - `MetricsPerMinute`: how many metrics arrived in the last minute, once a minute.
public enum HostRules {
    /// The mean idle CPU of each host over a minute, emitted every minute, inserted into `HostIdle`.
    public static let hostIdle = Query.from(Metric.self)
        .where { $0.name == "cpu" }
        .window(.time(.minutes(1)))
        .groupBy { $0.tags["host"] }
        .select { m in ["host": m.tags["host"], "idle": avg(m.fields["usage_idle"])] }
        .output(.last, every: .minutes(1))
        .insert(into: "HostIdle")

    /// Hosts with less than 20 % idle CPU, as `Event`s.
    public static let lowIdleHost = Query.from(stream: "HostIdle", as: "h")
        .where { $0.idle < 20.0 }
        .select { h in
            [
                "timestamp": currentTimestamp(),
                "payload": newMap(["lowIdle": h.idle]),
                "context": newMap(["host": h.host]),
            ]
        }
        .insert(into: "Event")

    /// Metrics received per minute.
    public static let metricsPerMinute = Query.from(Metric.self)
        .window(.time(.minutes(1)))
        .select { _ in ["metrics": count()] }
        .output(.last, every: .minutes(1))

    /// Installs the rule set; `listener` receives every statement's rows (including the Events).
    public static func install(in runtime: Runtime, listener: @escaping StatementListener) throws(PlanError) {
        try runtime.add(self.hostIdle, name: "HostIdle", listener: listener)
        try runtime.add(self.lowIdleHost, name: "LowIdleHost", listener: listener)
        try runtime.add(self.metricsPerMinute, name: "MetricsPerMinute", listener: listener)
    }
}
