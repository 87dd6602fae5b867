import KaijuCodecs
import KaijuCore
import NIOCore
import NIOHTTP1

/// The admin address: `GET /metrics` in the Prometheus text format, and the statement API:
/// `GET /api/statements`, `POST /api/statements` (a `statements.txt` line), `DELETE /api/statements/NAME`,
/// `POST /api/query` (an on-demand `select` over a table or named window).
enum AdminRoutes {
    static func route(
        pump: EnginePump,
        forwarder: HLForwarder?,
        sinks: StatementSinks,
        configuration: ModuleConfiguration,
        connections: @escaping @Sendable () -> Int,
        recordingLost: @escaping @Sendable () -> Int
    ) -> HTTPIngestRoute {
        let retentionTime = configuration.retentionTime
        let limits = Self.limitGauges(configuration, highWater: pump.highWater)
        let access = configuration.adminAccess
        return { request in
            if let refusal = access.refusal(request) {
                pump.stats.add(.init("kaiju_admin_refused_total", ["code": String(refusal.status.code)]))
                return request.eventLoop.makeSucceededFuture(refusal)
            }
            let path = request.path
            switch request.head.method {
            case .GET where path == "/metrics":
                let gauges = [
                    ("kaiju_queue_depth_max", pump.maxQueueDepth), ("kaiju_connections", connections()),
                    ("kaiju_recording_lost_lines", recordingLost()),
                ]
                return self.metrics(request, pump: pump, forwarder: forwarder, gauges: gauges, limits: limits)
            case .GET where path == "/api/statements": return StatementAPI.list(request, pump: pump, sinks: sinks)
            case .POST where path == "/api/statements":
                return StatementAPI.add(request, pump: pump, sinks: sinks, retentionTime: retentionTime)
            case .DELETE where path.hasPrefix("/api/statements/"):
                return StatementAPI.remove(
                    String(path.dropFirst("/api/statements/".count)),
                    request,
                    pump: pump,
                    sinks: sinks
                )
            case .POST where path == "/api/query": return StatementAPI.query(request, pump: pump)
            default:
                return request.eventLoop.makeSucceededFuture(
                    .text(
                        .notFound,
                        "GET /metrics, GET|POST /api/statements, DELETE /api/statements/NAME, POST /api/query"
                    )
                )
            }
        }
    }

    /// Every configured limit by name, as `kaiju_limit{limit=...}` gauges.
    static func limitGauges(_ c: ModuleConfiguration, highWater: Int) -> [(String, Int)] {
        [
            ("frame_bytes", c.limits.maxFrameSize), ("body_bytes", c.limits.maxBodySize),
            ("inflated_bytes", c.limits.maxInflatedSize),
            ("depth", c.limits.maxDepth), ("flatten_expansion", c.limits.maxFlattenExpansion),
            ("connections", c.maxConnections),
            ("idle_timeout_seconds", Int(c.idleTimeout?.nanoseconds ?? 0) / 1_000_000_000), ("high_water", highWater),
            ("forward_buffer", c.forwardBuffer),
            ("window_events", c.runtimeLimits.maxWindowEvents), ("groups", c.runtimeLimits.maxGroups),
            ("pattern_instances", c.runtimeLimits.maxPatternInstances),
            ("context_partitions", c.runtimeLimits.maxContextPartitions),
            ("table_rows", c.runtimeLimits.maxTableRows),
        ]
    }

    private static func metrics(
        _ request: HTTPIngestRequest,
        pump: EnginePump,
        forwarder: HLForwarder?,
        gauges: [(String, Int)],
        limits: [(String, Int)]
    ) -> EventLoopFuture<HTTPIngestReply> {
        let statements = pump.statementCounters()
        let tables = pump.tableCounters()
        let backlog = forwarder?.backlog() ?? request.eventLoop.makeSucceededFuture(0)
        return statements.and(tables).and(backlog).map { figures, backlog in
            let text = PrometheusText.render(
                counters: pump.stats.snapshot,
                gauges: [("kaiju_queue_depth", pump.queueDepth), ("kaiju_forward_backlog", backlog)] + gauges,
                labelledGauges: pump.stats.gaugeSnapshot,
                limits: limits,
                statements: figures.0,
                tables: figures.1
            )
            return HTTPIngestReply(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(text.utf8))
        }
    }
}

/// Renders counters and gauges in the Prometheus text exposition format.
enum PrometheusText {
    static func render(
        counters: [(IngestStats.Key, Int)],
        gauges: [(String, Int)],
        labelledGauges: [(IngestStats.Key, Int)] = [],
        limits: [(String, Int)] = [],
        statements: [StatementInfo],
        tables: [TableCounter] = []
    ) -> String {
        var out = ""
        /// Samples of keyed metrics, a `# TYPE` line before each name's first.
        func keyed(_ samples: [(IngestStats.Key, Int)], _ type: String) {
            var lastName = ""
            for (key, value) in samples {
                if key.name != lastName {
                    out += "# TYPE \(key.name) \(type)\n"
                    lastName = key.name
                }
                out += key.labels.isEmpty ? "\(key.name) \(value)\n" : "\(key.name){\(key.labels)} \(value)\n"
            }
        }
        keyed(counters, "counter")
        for (name, value) in gauges { out += "# TYPE \(name) gauge\n\(name) \(value)\n" }
        keyed(labelledGauges, "gauge")
        if !limits.isEmpty { out += "# TYPE kaiju_limit gauge\n" }
        for (name, value) in limits { out += "kaiju_limit{limit=\"\(name)\"} \(value)\n" }
        let perStatement: [(name: String, type: String, value: (StatementInfo) -> Int)] = [
            ("kaiju_statement_events_in_total", "counter", \.eventsIn),
            ("kaiju_statement_rows_out_total", "counter", \.rowsOut),
            ("kaiju_statement_window_evictions_total", "counter", \.windowEvictions),
            ("kaiju_statement_groups", "gauge", \.groups),
            ("kaiju_statement_group_overflows_total", "counter", \.groupOverflows),
            ("kaiju_statement_pattern_instances", "gauge", \.patternInstances),
            ("kaiju_statement_pattern_instances_dropped_total", "counter", \.patternInstancesDropped),
            ("kaiju_statement_context_partitions", "gauge", \.contextPartitions),
            ("kaiju_statement_context_partitions_refused_total", "counter", \.contextPartitionsRefused),
        ]
        for metric in perStatement {
            out += "# TYPE \(metric.name) \(metric.type)\n"
            for s in statements {
                out += "\(metric.name){statement=\"\(IngestStats.escape(s.name))\"} \(metric.value(s))\n"
            }
        }
        if !tables.isEmpty {
            out += "# TYPE kaiju_table_rows gauge\n"
            for t in tables { out += "kaiju_table_rows{table=\"\(IngestStats.escape(t.name))\"} \(t.rows)\n" }
            out += "# TYPE kaiju_table_rows_refused_total counter\n"
            for t in tables {
                out += "kaiju_table_rows_refused_total{table=\"\(IngestStats.escape(t.name))\"} \(t.refused)\n"
            }
        }
        return out
    }
}
