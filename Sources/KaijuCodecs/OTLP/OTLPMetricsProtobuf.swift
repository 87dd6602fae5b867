public import KaijuCore

/// Decodes an OTLP `ExportMetricsServiceRequest` in protobuf into one ``Metric`` per data point (see
/// `OTLPPointBuilder` for the fields).
public enum OTLPMetricsProtobuf {
    /// Decodes one request body.
    /// - Parameters:
    ///   - bytes: The body.
    ///   - receivedAt: The wall time (ms) given to points without a time.
    ///   - maxDepth: The deepest nesting of attribute values accepted.
    /// - Returns: The metrics, in order.
    /// - Throws: ``IngestError`` with the byte offset of what could not be read.
    public static func decode(_ bytes: [UInt8], receivedAt: Int64, maxDepth: Int = 32) throws(IngestError) -> [Metric] {
        try bytes.withRawBytes { (raw) throws(IngestError) in
            var r = ProtobufReader(raw, maxDepth: maxDepth)
            var out: [Metric] = []
            while let (n, wire) = try r.nextField() {
                guard n == 1, wire == 2 else {
                    try r.skip(wire: wire)
                    continue
                }
                var resourceMetrics = try r.message()
                var resource: [ValueMap.Entry] = []
                var metrics: [(String, [OTLPPointBuilder])] = []
                while let (rn, rw) = try resourceMetrics.nextField() {
                    switch (rn, rw) {
                    case (1, 2):
                        var m = try resourceMetrics.message()
                        resource = try OTLPTraceProtobuf.resourceAttributes(&m)
                    case (2, 2):
                        var scope = try resourceMetrics.message()
                        while let (sn, sw) = try scope.nextField() {
                            if sn == 2, sw == 2 {
                                var m = try scope.message()
                                metrics.append(try Self.metric(&m))
                            } else {
                                try scope.skip(wire: sw)
                            }
                        }
                    default: try resourceMetrics.skip(wire: rw)
                    }
                }
                for (name, points) in metrics {
                    for p in points { out.append(p.metric(name: name, resource: resource, receivedAt: receivedAt)) }
                }
            }
            return out
        }
    }

    static func metric(_ r: inout ProtobufReader) throws(IngestError) -> (String, [OTLPPointBuilder]) {
        var name = ""
        var points: [OTLPPointBuilder] = []
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (1, 2): name = try r.string()
            case (5, 2), (7, 2), (9, 2), (10, 2), (11, 2):
                var data = try r.message()
                var monotonic = false
                var found: [OTLPPointBuilder] = []
                while let (dn, dw) = try data.nextField() {
                    switch (dn, dw) {
                    case (1, 2):
                        var p = try data.message()
                        switch n {
                        case 5, 7: found.append(try Self.numberPoint(&p))
                        case 9: found.append(try Self.histogramPoint(&p))
                        case 10: found.append(try Self.exponentialPoint(&p))
                        default: found.append(try Self.summaryPoint(&p))
                        }
                    case (3, 0) where n == 7: monotonic = try data.varint() != 0
                    default: try data.skip(wire: dw)
                    }
                }
                if n == 7, monotonic { for i in found.indices { found[i].kind = .counter } }
                points += found
            default: try r.skip(wire: wire)
            }
        }
        return (name, points)
    }

    /// The fields every data point kind shares (its attributes at `attributes`, time, count, sum);
    /// `false` for another field.
    static func commonField(
        _ n: Int,
        _ wire: Int,
        _ r: inout ProtobufReader,
        _ p: inout OTLPPointBuilder,
        attributes: Int
    ) throws(IngestError) -> Bool {
        switch (n, wire) {
        case (attributes, 2):
            var kv = try r.message()
            p.attributes.append(try OTLPTraceProtobuf.entry(&kv))
        case (3, 1): p.timeNanos = try r.fixed64()
        case (4, 1): p.count = try r.fixed64()
        case (5, 1): p.sum = try r.double()
        default: return false
        }
        return true
    }

    static func numberPoint(_ r: inout ProtobufReader) throws(IngestError) -> OTLPPointBuilder {
        var p = OTLPPointBuilder()
        while let (n, wire) = try r.nextField() {
            switch (n, wire) {
            case (7, 2):
                var kv = try r.message()
                p.attributes.append(try OTLPTraceProtobuf.entry(&kv))
            case (3, 1): p.timeNanos = try r.fixed64()
            case (4, 1): p.value = .double(try r.double())
            case (6, 1): p.value = .int(Int64(bitPattern: try r.fixed64()))
            default: try r.skip(wire: wire)
            }
        }
        return p
    }

    static func histogramPoint(_ r: inout ProtobufReader) throws(IngestError) -> OTLPPointBuilder {
        var p = OTLPPointBuilder()
        p.kind = .histogram
        var bounds: [UInt64] = []
        while let (n, wire) = try r.nextField() {
            if try Self.commonField(n, wire, &r, &p, attributes: 9) { continue }
            switch (n, wire) {
            case (6, _): try r.repeatedFixed64(wire: wire, into: &p.bucketCounts)
            case (7, _): try r.repeatedFixed64(wire: wire, into: &bounds)
            case (11, 1): p.min = try r.double()
            case (12, 1): p.max = try r.double()
            default: try r.skip(wire: wire)
            }
        }
        p.explicitBounds = bounds.map { Double(bitPattern: $0) }
        return p
    }

    static func exponentialPoint(_ r: inout ProtobufReader) throws(IngestError) -> OTLPPointBuilder {
        var p = OTLPPointBuilder()
        p.kind = .exponentialHistogram
        while let (n, wire) = try r.nextField() {
            if try Self.commonField(n, wire, &r, &p, attributes: 1) { continue }
            switch (n, wire) {
            case (6, 0): p.scale = try r.signedVarint()
            case (7, 1): p.zeroCount = try r.fixed64()
            case (8, 2), (9, 2):
                var buckets = try r.message()
                var offset: Int64 = 0
                var counts: [UInt64] = []
                while let (bn, bw) = try buckets.nextField() {
                    switch (bn, bw) {
                    case (1, 0): offset = try buckets.signedVarint()
                    case (2, _): try buckets.repeatedVarint(wire: bw, into: &counts)
                    default: try buckets.skip(wire: bw)
                    }
                }
                if n == 8 {
                    p.positiveOffset = offset
                    p.bucketCounts = counts
                } else {
                    p.negativeCount = counts.reduce(0, &+)
                }
            case (12, 1): p.min = try r.double()
            case (13, 1): p.max = try r.double()
            default: try r.skip(wire: wire)
            }
        }
        return p
    }

    static func summaryPoint(_ r: inout ProtobufReader) throws(IngestError) -> OTLPPointBuilder {
        var p = OTLPPointBuilder()
        p.kind = .summary
        while let (n, wire) = try r.nextField() {
            if try Self.commonField(n, wire, &r, &p, attributes: 7) { continue }
            switch (n, wire) {
            case (6, 2):
                var q = try r.message()
                var quantile = 0.0
                var value = 0.0
                while let (qn, qw) = try q.nextField() {
                    switch (qn, qw) {
                    case (1, 1): quantile = try q.double()
                    case (2, 1): value = try q.double()
                    default: try q.skip(wire: qw)
                    }
                }
                p.quantiles.append((quantile, value))
            default: try r.skip(wire: wire)
            }
        }
        return p
    }
}
