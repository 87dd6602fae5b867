import KaijuCore
import NIOCore
import NIOHTTP1

/// kaiju-traces' traces API (`--traces-api`), the original's `traces-api` mode over the spans retained
/// for `--rtime` (``SpanRetention``), in the Jaeger query API's JSON:
/// - `GET /api/traces/all`: every retained trace;
/// - `GET /api/traces?service=S`: the traces with a span of service `S`;
/// - `GET /api/traces/ID`: one trace (404 when not retained);
/// - `GET /api/logs/KEY`: the span logs that have a field `KEY`, `{"data":[{traceID,spanID,timestamp,fields}]}`;
/// - `GET /api/dependencies/ID`: the service calls within trace `ID` (a span's service calling its child's),
///   `{"data":[{"parent","child","callCount"}]}`.
/// On-demand EPL over the retained spans is the admin API's `POST /api/query` on the named window
/// `RetainedSpans`.
enum TracesAPI {
    static func route(pump: EnginePump, retention: NIOLoopBound<SpanRetention>) -> HTTPIngestRoute {
        { request in
            guard request.head.method == .GET else {
                return request.eventLoop.makeSucceededFuture(
                    HTTPIngestReply(.methodNotAllowed, headers: [("Allow", "GET")])
                )
            }
            let path = String(request.path)
            let service = request.query("service")
            return pump.withRuntime { runtime -> HTTPIngestReply in
                let store = retention.value
                store.expire(now: runtime.now)
                return Self.answer(path: path, service: service, store: store)
            }
        }
    }

    static func answer(path: String, service: String?, store: SpanRetention) -> HTTPIngestReply {
        let parts = path.split(separator: "/").map(String.init)
        func json(_ bytes: [UInt8]) -> HTTPIngestReply {
            HTTPIngestReply(.ok, contentType: "application/json", body: bytes)
        }
        func sorted(
            _ traces: [SpanRetention.TraceID: [SpanRetention.RetainedSpan]]
        ) -> [(SpanRetention.TraceID, [SpanRetention.RetainedSpan])] {
            traces.map { ($0.key, $0.value) }.sorted {
                ($0.1.first?.at ?? 0, $0.0.hex) < ($1.1.first?.at ?? 0, $1.0.hex)
            }
        }
        switch parts {
        case ["api", "traces", "all"]:
            return json(TracesJSON.traces(sorted(store.traces)))
        case ["api", "traces"]:
            guard let service else { return .text(.badRequest, "GET /api/traces needs ?service=NAME") }
            return json(
                TracesJSON.traces(
                    sorted(store.traces.filter { $0.value.contains { $0.process.serviceName == service } })
                )
            )
        case let p where p.count == 3 && p[0] == "api" && p[1] == "traces":
            guard let id = SpanRetention.TraceID(hex: p[2]), let spans = store.traces[id] else {
                return .text(.notFound, "trace \(p[2]) is not retained")
            }
            return json(TracesJSON.traces([(id, spans)]))
        case let p where p.count == 3 && p[0] == "api" && p[1] == "logs":
            return json(Self.logs(withField: p[2], sorted(store.traces)))
        case let p where p.count == 3 && p[0] == "api" && p[1] == "dependencies":
            guard let id = SpanRetention.TraceID(hex: p[2]), let spans = store.traces[id] else {
                return .text(.notFound, "trace \(p[2]) is not retained")
            }
            return json(Self.dependencies(spans))
        default:
            return .text(
                .notFound,
                "the traces API serves /api/traces/all, /api/traces?service=, /api/traces/ID, /api/logs/KEY, /api/dependencies/ID"
            )
        }
    }

    static func logs(
        withField key: String,
        _ traces: [(SpanRetention.TraceID, [SpanRetention.RetainedSpan])]
    ) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.key("data", first: true)
            var items: [(SpanRetention.TraceID, Span, SpanLog)] = []
            for (id, spans) in traces {
                for retained in spans {
                    for log in retained.span.logs where log.fields.contains(where: { $0.key == key }) {
                        items.append((id, retained.span, log))
                    }
                }
            }
            w.array(items) { w, item in
                w.object { w in
                    w.key("traceID", first: true)
                    w.write(item.0.hex)
                    w.key("spanID")
                    w.write(SpanRetention.TraceID.hex16(item.1.spanId))
                    w.key("timestamp")
                    w.write(item.2.timestamp)
                    w.key("fields")
                    w.array(item.2.fields) { w, t in TracesJSON.tag(t, into: &w) }
                }
            }
        }
        return w.bytes
    }

    static func dependencies(_ spans: [SpanRetention.RetainedSpan]) -> [UInt8] {
        var serviceOf: [Int64: String] = [:]
        for s in spans { serviceOf[s.span.spanId] = s.process.serviceName }
        var calls: [String: (parent: String, child: String, count: Int)] = [:]
        var order: [String] = []
        for s in spans where s.span.parentSpanId != 0 {
            guard let parent = serviceOf[s.span.parentSpanId] else { continue }
            let child = s.process.serviceName
            let key = parent + "\u{0}" + child
            if calls[key] == nil { order.append(key) }
            calls[key, default: (parent, child, 0)].count += 1
        }
        var w = JSONWriter()
        w.object { w in
            w.key("data", first: true)
            w.array(order.compactMap { calls[$0] }) { w, call in
                w.object { w in
                    w.key("parent", first: true)
                    w.write(call.parent)
                    w.key("child")
                    w.write(call.child)
                    w.key("callCount")
                    w.write(Int64(call.count))
                }
            }
        }
        return w.bytes
    }
}
