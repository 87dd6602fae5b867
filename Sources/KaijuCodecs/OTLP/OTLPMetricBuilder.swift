import Foundation
import KaijuCore

/// One OTLP data point as read from protobuf or JSON, before it becomes a ``Metric`` named after its
/// metric, tagged with the resource's and the point's attributes, its fields as Telegraf's OpenTelemetry
/// input (`prometheus-v1` schema) names them: `gauge` (gauges, non-monotonic sums), `counter` (monotonic
/// sums); `count`, `sum`, `min`, `max` and one field per bucket's upper bound holding the cumulative
/// count (`"0.5"`, `"+Inf"`) for histograms; `count`, `sum` and one field per quantile (`"0.99"`) for
/// summaries. Exponential histograms become the same cumulative buckets over their positive range
/// (bounds `2^((offset+i+1)·2^-scale)`), with `zero_count` and `negative_count`.
struct OTLPPointBuilder {
    enum Kind {
        case gauge, counter, histogram, exponentialHistogram, summary
    }

    var kind = Kind.gauge
    var timeNanos: UInt64 = 0
    var attributes: [ValueMap.Entry] = []
    var value: Value = .null
    var count: UInt64 = 0
    var sum: Double?
    var min: Double?
    var max: Double?
    var bucketCounts: [UInt64] = []
    var explicitBounds: [Double] = []
    var scale: Int64 = 0
    var zeroCount: UInt64 = 0
    var positiveOffset: Int64 = 0
    var negativeCount: UInt64 = 0
    var quantiles: [(quantile: Double, value: Double)] = []

    /// The metric for this point of metric `name`.
    func metric(name: String, resource: [ValueMap.Entry], receivedAt: Int64) -> Metric {
        let timestamp = self.timeNanos == 0 ? receivedAt : Int64(clamping: self.timeNanos / 1_000_000)
        var tags: [ValueMap.Entry] = []
        for entry in resource + self.attributes {
            if case .string = entry.value {
                tags.append(entry)
            } else {
                tags.append(.init(key: entry.key, value: .string(entry.value.jsonString)))
            }
        }
        var fields: [ValueMap.Entry] = []
        switch self.kind {
        case .gauge: fields.append(.init(key: "gauge", value: self.value))
        case .counter: fields.append(.init(key: "counter", value: self.value))
        case .summary:
            self.appendCountAndSum(to: &fields)
            for q in self.quantiles { fields.append(.init(key: Self.boundName(q.quantile), value: .double(q.value))) }
        case .histogram:
            self.appendCountAndSum(to: &fields)
            var cumulative: UInt64 = 0
            for (i, n) in self.bucketCounts.enumerated() {
                cumulative &+= n
                let bound = i < self.explicitBounds.count ? Self.boundName(self.explicitBounds[i]) : "+Inf"
                fields.append(.init(key: bound, value: .int(Int64(clamping: cumulative))))
            }
            if self.bucketCounts.count <= self.explicitBounds.count {
                fields.append(.init(key: "+Inf", value: .int(Int64(clamping: self.count))))
            }
        case .exponentialHistogram:
            self.appendCountAndSum(to: &fields)
            fields.append(.init(key: "zero_count", value: .int(Int64(clamping: self.zeroCount))))
            fields.append(.init(key: "negative_count", value: .int(Int64(clamping: self.negativeCount))))
            var cumulative = self.zeroCount &+ self.negativeCount
            let step = pow(2.0, -Double(Swift.max(-20, Swift.min(20, self.scale))))
            for (i, n) in self.bucketCounts.enumerated() {
                cumulative &+= n
                let bound = pow(2.0, (Double(self.positiveOffset) + Double(i) + 1) * step)
                fields.append(.init(key: Self.boundName(bound), value: .int(Int64(clamping: cumulative))))
            }
            fields.append(.init(key: "+Inf", value: .int(Int64(clamping: self.count))))
        }
        return Metric(name: name, timestamp: timestamp, fields: ValueMap(fields), tags: ValueMap(tags))
    }

    private func appendCountAndSum(to fields: inout [ValueMap.Entry]) {
        fields.append(.init(key: "count", value: .int(Int64(clamping: self.count))))
        if let sum { fields.append(.init(key: "sum", value: .double(sum))) }
        if let min { fields.append(.init(key: "min", value: .double(min))) }
        if let max { fields.append(.init(key: "max", value: .double(max))) }
    }

    /// A bound as a field name: `0.5`, `10` (integral bounds without `.0`), `+Inf`.
    static func boundName(_ d: Double) -> String {
        if d.isInfinite { return d > 0 ? "+Inf" : "-Inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
