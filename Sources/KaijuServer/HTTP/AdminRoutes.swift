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
                return self.metrics(
                    request,
                    pump: pump,
                    forwarder: forwarder,
                    server: configuration.name,
                    gauges: gauges,
                    limits: limits
                )
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
        server: String,
        gauges: [(String, Int)],
        limits: [(String, Int)]
    ) -> EventLoopFuture<HTTPIngestReply> {
        let statements = pump.statementCounters()
        let tables = pump.tableCounters()
        let backlog = forwarder?.backlog() ?? request.eventLoop.makeSucceededFuture(0)
        return statements.and(tables).and(backlog).map { figures, backlog in
            let stats = pump.stats
            for (name, value) in [("kaiju_queue_depth", pump.queueDepth), ("kaiju_forward_backlog", backlog)] + gauges {
                stats.set(IngestStats.Key(name), value)
            }
            for (name, value) in limits { stats.set(IngestStats.Key("kaiju_limit", ["limit": name]), value) }
            EngineMetrics.update(stats, statements: figures.0, tables: figures.1)
            ProcessMetrics.update(stats, server: server)
            return HTTPIngestReply(
                .ok,
                contentType: "text/plain; version=0.0.4; charset=utf-8",
                body: stats.exposition()
            )
        }
    }
}
