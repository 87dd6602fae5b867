public import KaijuCore

/// Decodes a Prometheus remote-write v1 `WriteRequest` (protobuf, after snappy) into one ``Metric`` per
/// sample: `__name__` as the name, the other labels as tags, the sample value as the field `value`,
/// the sample time (ms) as the timestamp. Native histograms and exemplars are skipped.
public enum PrometheusRemoteWrite {
    /// The metrics of one request body (already decompressed).
    /// - Throws: ``IngestError`` with the byte offset of what could not be read.
    public static func decode(_ bytes: [UInt8]) throws(IngestError) -> [Metric] {
        try bytes.withRawBytes { (raw) throws(IngestError) in
            var r = ProtobufReader(raw)
            var out: [Metric] = []
            while let (n, wire) = try r.nextField() {
                guard n == 1, wire == 2 else {
                    try r.skip(wire: wire)
                    continue
                }
                var series = try r.message()
                var name = ""
                var tags: [ValueMap.Entry] = []
                var samples: [(Double, Int64)] = []
                while let (sn, sw) = try series.nextField() {
                    switch (sn, sw) {
                    case (1, 2):
                        var label = try series.message()
                        var key = ""
                        var value = ""
                        while let (ln, lw) = try label.nextField() {
                            switch (ln, lw) {
                            case (1, 2): key = try label.string()
                            case (2, 2): value = try label.string()
                            default: try label.skip(wire: lw)
                            }
                        }
                        if key == "__name__" {
                            name = value
                        } else {
                            tags.append(.init(key: key, value: .string(value)))
                        }
                    case (2, 2):
                        var sample = try series.message()
                        var value = 0.0
                        var time: Int64 = 0
                        while let (qn, qw) = try sample.nextField() {
                            switch (qn, qw) {
                            case (1, 1): value = try sample.double()
                            case (2, 0): time = Int64(bitPattern: try sample.varint())
                            default: try sample.skip(wire: qw)
                            }
                        }
                        samples.append((value, time))
                    default: try series.skip(wire: sw)
                    }
                }
                let tagMap = ValueMap(tags)
                for (value, time) in samples {
                    out.append(
                        Metric(name: name, timestamp: time, fields: ["value": Value.double(value)], tags: tagMap)
                    )
                }
            }
            return out
        }
    }
}
