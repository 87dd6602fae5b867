import NIOCore
import NIOHTTP1
import KaijuCore

/// The admin address: `GET /metrics` in the Prometheus text format, and the statement API:
/// `GET /api/statements`, `POST /api/statements` (a `statements.txt` line), `DELETE /api/statements/NAME`,
/// `POST /api/query` (an on-demand `select` over a table or named window).
enum AdminRoutes {
    static func route(pump: EnginePump, forwarder: HLForwarder?, sinks: StatementSinks, retentionTime: String) -> HTTPIngestRoute {
        { request in
            let path = request.path
            switch request.head.method {
            case .GET where path == "/metrics": return self.metrics(request, pump: pump, forwarder: forwarder)
            case .GET where path == "/api/statements": return StatementAPI.list(request, pump: pump, sinks: sinks)
            case .POST where path == "/api/statements": return StatementAPI.add(request, pump: pump, sinks: sinks, retentionTime: retentionTime)
            case .DELETE where path.hasPrefix("/api/statements/"):
                return StatementAPI.remove(String(path.dropFirst("/api/statements/".count)), request, pump: pump, sinks: sinks)
            case .POST where path == "/api/query": return StatementAPI.query(request, pump: pump)
            default:
                return request.eventLoop.makeSucceededFuture(
                    .text(.notFound, "GET /metrics, GET|POST /api/statements, DELETE /api/statements/NAME, POST /api/query"))
            }
        }
    }

    private static func metrics(_ request: HTTPIngestRequest, pump: EnginePump, forwarder: HLForwarder?) -> EventLoopFuture<HTTPIngestReply> {
        let statements = pump.statementCounters()
        let backlog = forwarder?.backlog() ?? request.eventLoop.makeSucceededFuture(0)
        return statements.and(backlog).map { statements, backlog in
            let text = PrometheusText.render(
                counters: pump.stats.snapshot,
                gauges: [("kaiju_queue_depth", pump.queueDepth), ("kaiju_forward_backlog", backlog)],
                statements: statements
            )
            return HTTPIngestReply(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(text.utf8))
        }
    }
}

/// Renders counters and gauges in the Prometheus text exposition format.
enum PrometheusText {
    static func render(counters: [(IngestStats.Key, Int)], gauges: [(String, Int)], statements: [(String, Int, Int)]) -> String {
        var out = ""
        var lastName = ""
        for (key, value) in counters {
            if key.name != lastName {
                out += "# TYPE \(key.name) counter\n"
                lastName = key.name
            }
            out += key.labels.isEmpty ? "\(key.name) \(value)\n" : "\(key.name){\(key.labels)} \(value)\n"
        }
        for (name, value) in gauges { out += "# TYPE \(name) gauge\n\(name) \(value)\n" }
        out += "# TYPE kaiju_statement_events_in_total counter\n"
        for (name, eventsIn, _) in statements {
            out += "kaiju_statement_events_in_total{statement=\"\(IngestStats.escape(name))\"} \(eventsIn)\n"
        }
        out += "# TYPE kaiju_statement_rows_out_total counter\n"
        for (name, _, rowsOut) in statements {
            out += "kaiju_statement_rows_out_total{statement=\"\(IngestStats.escape(name))\"} \(rowsOut)\n"
        }
        return out
    }
}
