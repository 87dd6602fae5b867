import KaijuCore

/// Retained traces in the Jaeger query API's JSON (`{"data":[{"traceID","spans","processes"}]}`), so
/// Jaeger's UI conventions and tools read them: ids in hex, times in µs, tags as `{key,type,value}`.
enum TracesJSON {
    /// `{"data":[trace,...]}` for `traces` (each a trace's retained spans, oldest first).
    static func traces(_ traces: [(SpanRetention.TraceID, [SpanRetention.RetainedSpan])]) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.key("data", first: true)
            w.array(traces) { w, trace in Self.trace(trace.0, trace.1, into: &w) }
        }
        return w.bytes
    }

    static func trace(_ id: SpanRetention.TraceID, _ spans: [SpanRetention.RetainedSpan], into w: inout JSONWriter) {
        var processes: [JaegerProcess] = []
        var processIDs: [Int] = []
        for retained in spans {
            if let i = processes.firstIndex(of: retained.process) {
                processIDs.append(i)
            } else {
                processIDs.append(processes.count)
                processes.append(retained.process)
            }
        }
        w.object { w in
            w.key("traceID", first: true)
            w.write(id.hex)
            w.key("spans")
            w.array(Array(zip(spans, processIDs))) { w, pair in Self.span(pair.0.span, id, process: pair.1, into: &w) }
            w.key("processes")
            w.object { w in
                for (i, p) in processes.enumerated() {
                    w.key("p\(i + 1)", first: i == 0)
                    w.object { w in
                        w.key("serviceName", first: true)
                        w.write(p.serviceName)
                        w.key("tags")
                        w.array(p.tags) { w, t in Self.tag(t, into: &w) }
                    }
                }
            }
        }
    }

    static func span(_ s: Span, _ id: SpanRetention.TraceID, process: Int, into w: inout JSONWriter) {
        w.object { w in
            w.key("traceID", first: true)
            w.write(id.hex)
            w.key("spanID")
            w.write(SpanRetention.TraceID.hex16(s.spanId))
            w.key("operationName")
            w.write(s.operationName)
            w.key("references")
            var references = s.references.map {
                ($0.refType.rawValue, SpanRetention.TraceID(high: $0.traceIdHigh, low: $0.traceIdLow), $0.spanId)
            }
            if s.parentSpanId != 0, !s.references.contains(where: { $0.spanId == s.parentSpanId }) {
                references.insert(("CHILD_OF", id, s.parentSpanId), at: 0)
            }
            w.array(references) { w, r in
                w.object { w in
                    w.key("refType", first: true)
                    w.write(r.0)
                    w.key("traceID")
                    w.write(r.1.hex)
                    w.key("spanID")
                    w.write(SpanRetention.TraceID.hex16(r.2))
                }
            }
            w.key("startTime")
            w.write(s.startTime)
            w.key("duration")
            w.write(s.duration)
            w.key("tags")
            w.array(s.tags) { w, t in Self.tag(t, into: &w) }
            w.key("logs")
            w.array(s.logs) { w, log in Self.log(log, into: &w) }
            w.key("processID")
            w.write("p\(process + 1)")
        }
    }

    static func log(_ log: SpanLog, into w: inout JSONWriter) {
        w.object { w in
            w.key("timestamp", first: true)
            w.write(log.timestamp)
            w.key("fields")
            w.array(log.fields) { w, t in Self.tag(t, into: &w) }
        }
    }

    static func tag(_ t: Tag, into w: inout JSONWriter) {
        w.object { w in
            w.key("key", first: true)
            w.write(t.key)
            w.key("type")
            w.write(Self.typeName(t.vType))
            w.key("value")
            w.write(t.value)
        }
    }
}

extension TracesJSON {
    /// Jaeger's JSON name of a tag type.
    static func typeName(_ t: TagType) -> String {
        switch t {
        case .string: return "string"
        case .double: return "float64"
        case .bool: return "bool"
        case .long: return "int64"
        case .binary: return "binary"
        }
    }
}
