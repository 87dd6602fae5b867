import Foundation
@_spi(Codecs) public import KaijuCore

/// Decodes OTLP/HTTP JSON `ExportLogsServiceRequest`s and `ExportMetricsServiceRequest`s (hex ids,
/// integer enums, 64-bit integers as strings or numbers, unknown keys ignored) as their protobuf
/// decoders do.
public enum OTLPSignalsJSON {
    /// The log records of one request body.
    /// - Throws: ``IngestError`` with the byte offset of what could not be read.
    public static func logs(
        _ bytes: [UInt8],
        receivedAt: Int64,
        maxDepth: Int = 64,
        maxFlattenExpansion: Int = 16
    ) throws(IngestError) -> [LogRecord] {
        let budget = bytes.count.multipliedReportingOverflow(by: maxFlattenExpansion).partialValue
        var flattenError: IngestError?
        do throws(JSONError) {
            return try JSONScanner.parse(bytes, maxDepth: maxDepth) { (s) throws(JSONError) in
                var out: [LogRecord] = []
                try Self.each(&s, "resourceLogs", "scopeLogs", "logRecords") { (s, resource, scope) throws(JSONError) in
                    let b = try Self.logRecord(&s)
                    do throws(IngestError) {
                        out.append(
                            try b.record(resource: resource, scope: scope, receivedAt: receivedAt, budget: budget)
                        )
                    } catch {
                        flattenError = error
                        throw s.error("\(error)")
                    }
                }
                return out
            }
        } catch {
            if let flattenError { throw flattenError }
            throw .json(error, "otlp json")
        }
    }

    /// The metrics (one per data point) of one request body.
    /// - Throws: ``IngestError`` with the byte offset of what could not be read.
    public static func metrics(_ bytes: [UInt8], receivedAt: Int64, maxDepth: Int = 64) throws(IngestError) -> [Metric]
    {
        do throws(JSONError) {
            return try JSONScanner.parse(bytes, maxDepth: maxDepth) { (s) throws(JSONError) in
                var out: [Metric] = []
                try Self.each(&s, "resourceMetrics", "scopeMetrics", "metrics") { (s, resource, _) throws(JSONError) in
                    let (name, points) = try Self.metric(&s)
                    for p in points { out.append(p.metric(name: name, resource: resource, receivedAt: receivedAt)) }
                }
                return out
            }
        } catch {
            throw .json(error, "otlp json")
        }
    }

    /// Calls `body` for each item of `resources[].scopes[].items[]`, with the resource's attributes and the
    /// scope's name (read before the items when the sender writes them first, as the SDKs do).
    static func each(
        _ s: inout JSONScanner,
        _ resources: String,
        _ scopes: String,
        _ items: String,
        _ body: (inout JSONScanner, [ValueMap.Entry], String) throws(JSONError) -> Void
    ) throws(JSONError) {
        try s.readObject { (s, key) throws(JSONError) in
            guard key == resources else { return try s.skipValue() }
            try s.readArray { (s) throws(JSONError) in
                var resource: [ValueMap.Entry] = []
                try s.readObject { (s, key) throws(JSONError) in
                    switch key {
                    case "resource": resource = try OTLPTraceJSON.resource(&s)
                    case scopes:
                        try s.readArray { (s) throws(JSONError) in
                            var scope = ""
                            try s.readObject { (s, key) throws(JSONError) in
                                switch key {
                                case "scope": scope = try OTLPTraceJSON.scopeName(&s)
                                case items: try s.readArray { (s) throws(JSONError) in try body(&s, resource, scope) }
                                default: try s.skipValue()
                                }
                            }
                        }
                    default: try s.skipValue()
                    }
                }
            }
        }
    }

    static func logRecord(_ s: inout JSONScanner) throws(JSONError) -> OTLPLogBuilder {
        var b = OTLPLogBuilder()
        try s.readObject { (s, key) throws(JSONError) in
            switch key {
            case "timeUnixNano": b.timeNanos = UInt64(clamping: try OTLPTraceJSON.int64(&s))
            case "observedTimeUnixNano": b.observedNanos = UInt64(clamping: try OTLPTraceJSON.int64(&s))
            case "severityNumber": b.severityNumber = try OTLPTraceJSON.int64(&s)
            case "severityText": b.severityText = try s.readString()
            case "body": b.body = try OTLPTraceJSON.anyValue(&s).plain
            case "attributes": b.attributes = try OTLPTraceJSON.entries(&s)
            case "traceId": b.traceID = try OTLPTraceJSON.hex(&s)
            case "spanId": b.spanID = try OTLPTraceJSON.hex(&s)
            default: try s.skipValue()
            }
        }
        return b
    }

    static func metric(_ s: inout JSONScanner) throws(JSONError) -> (String, [OTLPPointBuilder]) {
        var name = ""
        var points: [OTLPPointBuilder] = []
        try s.readObject { (s, key) throws(JSONError) in
            let kind: OTLPPointBuilder.Kind
            switch key {
            case "name":
                name = try s.readString()
                return
            case "gauge", "sum": kind = .gauge
            case "histogram": kind = .histogram
            case "exponentialHistogram": kind = .exponentialHistogram
            case "summary": kind = .summary
            default: return try s.skipValue()
            }
            var monotonic = false
            var found: [OTLPPointBuilder] = []
            try s.readObject { (s, key) throws(JSONError) in
                switch key {
                case "dataPoints": try s.readArray { (s) throws(JSONError) in found.append(try Self.point(&s, kind)) }
                case "isMonotonic": monotonic = try s.readValue() == .bool(true)
                default: try s.skipValue()
                }
            }
            if key == "sum", monotonic { for i in found.indices { found[i].kind = .counter } }
            points += found
        }
        return (name, points)
    }

    static func point(_ s: inout JSONScanner, _ kind: OTLPPointBuilder.Kind) throws(JSONError) -> OTLPPointBuilder {
        var p = OTLPPointBuilder()
        p.kind = kind
        try s.readObject { (s, key) throws(JSONError) in
            switch key {
            case "attributes": p.attributes = try OTLPTraceJSON.entries(&s)
            case "timeUnixNano": p.timeNanos = UInt64(clamping: try OTLPTraceJSON.int64(&s))
            case "asDouble": p.value = .double(try OTLPTraceJSON.double(&s))
            case "asInt": p.value = .int(try OTLPTraceJSON.int64(&s))
            case "count": p.count = UInt64(clamping: try OTLPTraceJSON.int64(&s))
            case "sum": p.sum = try OTLPTraceJSON.double(&s)
            case "min": p.min = try OTLPTraceJSON.double(&s)
            case "max": p.max = try OTLPTraceJSON.double(&s)
            case "bucketCounts":
                try s.readArray { (s) throws(JSONError) in
                    p.bucketCounts.append(UInt64(clamping: try OTLPTraceJSON.int64(&s)))
                }
            case "explicitBounds":
                try s.readArray { (s) throws(JSONError) in p.explicitBounds.append(try OTLPTraceJSON.double(&s)) }
            case "scale": p.scale = try OTLPTraceJSON.int64(&s)
            case "zeroCount": p.zeroCount = UInt64(clamping: try OTLPTraceJSON.int64(&s))
            case "positive", "negative":
                var offset: Int64 = 0
                var counts: [UInt64] = []
                try s.readObject { (s, k) throws(JSONError) in
                    switch k {
                    case "offset": offset = try OTLPTraceJSON.int64(&s)
                    case "bucketCounts":
                        try s.readArray { (s) throws(JSONError) in
                            counts.append(UInt64(clamping: try OTLPTraceJSON.int64(&s)))
                        }
                    default: try s.skipValue()
                    }
                }
                if key == "positive" {
                    p.positiveOffset = offset
                    p.bucketCounts = counts
                } else {
                    p.negativeCount = counts.reduce(0, &+)
                }
            case "quantileValues":
                try s.readArray { (s) throws(JSONError) in
                    var quantile = 0.0
                    var value = 0.0
                    try s.readObject { (s, k) throws(JSONError) in
                        switch k {
                        case "quantile": quantile = try OTLPTraceJSON.double(&s)
                        case "value": value = try OTLPTraceJSON.double(&s)
                        default: try s.skipValue()
                        }
                    }
                    p.quantiles.append((quantile, value))
                }
            default: try s.skipValue()
            }
        }
        return p
    }
}
