import CoreMetrics
import Foundation
import KaijuCodecs
public import Prometheus
import Synchronization

/// A server's own metrics, safe to bump from any thread (once per batch, not per event): counters and
/// gauges of swift-metrics, kept in a swift-prometheus registry that `GET /metrics` renders, every metric
/// with its `# HELP` and `# TYPE` lines.
public final class IngestStats: Sendable {
    /// A metric's name and labels, e.g. `kaiju_events_in_total` with `type="Metric"`.
    public struct Key: Hashable, Sendable, Comparable {
        /// The metric's name.
        public var name: String
        /// Its labels (name, value) in order.
        public var dimensions: [Dimension]

        /// One label.
        public struct Dimension: Hashable, Sendable {
            /// The label's name.
            public var name: String
            /// Its value.
            public var value: String
        }

        /// A key for `name{labels}`.
        public init(_ name: String, _ labels: KeyValuePairs<String, String> = [:]) {
            self.name = name
            self.dimensions = labels.map { Dimension(name: $0.key, value: $0.value) }
        }

        /// The labels as Prometheus writes them: `type="Metric"`.
        public var labels: String {
            self.dimensions.map { "\($0.name)=\"\(IngestStats.escape($0.value))\"" }.joined(separator: ",")
        }

        /// Orders by name, then labels.
        public static func < (a: Key, b: Key) -> Bool { (a.name, a.labels) < (b.name, b.labels) }

        var pairs: [(String, String)] { self.dimensions.map { ($0.name, $0.value) } }
    }

    /// The registry the metrics live in; ``exposition()`` renders it.
    public let registry = PrometheusCollectorRegistry()
    private let factory: KaijuMetricsFactory

    /// A swift-metrics counter and the total it has been given.
    private struct CounterEntry {
        let counter: CoreMetrics.Counter
        var total: Int
    }

    /// A swift-metrics gauge and its value.
    private struct GaugeEntry {
        let gauge: CoreMetrics.Gauge
        var value: Int
    }

    private let counters = Mutex<[Key: CounterEntry]>([:])
    private let gauges = Mutex<[Key: GaugeEntry]>([:])

    /// No metrics yet.
    public init() { self.factory = KaijuMetricsFactory(registry: self.registry) }

    /// Adds `n` (negative amounts are ignored: counters only go up) and saturates at `Int.max`.
    public func add(_ key: Key, _ n: Int = 1) {
        guard n > 0 else { return }
        self.counters.withLock { counters in
            if var entry = counters[key] {
                let (sum, overflow) = entry.total.addingReportingOverflow(n)
                let total = overflow ? Int.max : sum
                let step = total - entry.total
                entry.total = total
                counters[key] = entry
                if step > 0 { entry.counter.increment(by: step) }
            } else {
                let counter = CoreMetrics.Counter(label: key.name, dimensions: key.pairs, factory: self.factory)
                counter.increment(by: n)
                counters[key] = CounterEntry(counter: counter, total: n)
            }
        }
    }

    /// Brings a counter kept elsewhere (a statement's, the engine's) up to `total`: the counter goes up by the
    /// difference, or by all of `total` when the source started again from zero, so it never goes down.
    /// A counter synced to 0 is shown at 0.
    public func sync(_ key: Key, to total: Int) {
        guard total >= 0 else { return }
        self.counters.withLock { counters in
            let entry =
                counters[key]
                ?? CounterEntry(
                    counter: CoreMetrics.Counter(label: key.name, dimensions: key.pairs, factory: self.factory),
                    total: 0
                )
            let delta = total >= entry.total ? total - entry.total : total
            if delta > 0 { entry.counter.increment(by: delta) }
            counters[key] = CounterEntry(counter: entry.counter, total: total)
        }
    }

    private let secondCounters = Mutex<[Key: (counter: CoreMetrics.FloatingPointCounter, total: Double)]>([:])

    /// ``sync(_:to:)`` for a counter of seconds (`process_cpu_seconds_total`).
    func sync(_ key: Key, toSeconds total: Double) {
        self.secondCounters.withLock { counters in
            let entry =
                counters[key]
                ?? (CoreMetrics.FloatingPointCounter(label: key.name, dimensions: key.pairs, factory: self.factory), 0)
            if total > entry.total { entry.counter.increment(by: total - entry.total) }
            counters[key] = (entry.counter, max(total, entry.total))
        }
    }

    /// Sets a gauge (a value that goes up and down: a backlog, a queue's length).
    public func set(_ key: Key, _ value: Int) {
        self.gauges.withLock { gauges in
            if var entry = gauges[key] {
                entry.value = value
                gauges[key] = entry
                entry.gauge.record(value)
            } else {
                let gauge = CoreMetrics.Gauge(label: key.name, dimensions: key.pairs, factory: self.factory)
                gauge.record(value)
                gauges[key] = GaugeEntry(gauge: gauge, value: value)
            }
        }
    }

    /// Sets a gauge to a fractional value (seconds since the epoch, for the process metrics).
    func set(_ key: Key, fractional value: Double) {
        self.gauges.withLock { gauges in
            let gauge =
                gauges[key]?.gauge ?? CoreMetrics.Gauge(label: key.name, dimensions: key.pairs, factory: self.factory)
            gauge.record(value)
            gauges[key] = GaugeEntry(gauge: gauge, value: Int(value))
        }
    }

    /// Drops the series of the metrics `names` whose keys are not in `keep` (a statement or table that is gone).
    public func retain(_ names: Set<String>, keeping keep: Set<Key>) {
        self.counters.withLock { counters in
            for key in Array(counters.keys) where names.contains(key.name) && !keep.contains(key) {
                counters.removeValue(forKey: key)?.counter.destroy()
            }
        }
        self.gauges.withLock { gauges in
            for key in Array(gauges.keys) where names.contains(key.name) && !keep.contains(key) {
                gauges.removeValue(forKey: key)?.gauge.destroy()
            }
        }
    }

    /// Every gauge set so far, sorted.
    public var gaugeSnapshot: [(Key, Int)] {
        self.gauges.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value.value) } }
    }

    /// The counter's value (0 if never counted).
    public func value(_ key: Key) -> Int { self.counters.withLock { $0[key]?.total ?? 0 } }

    /// Every counter, sorted.
    public var snapshot: [(Key, Int)] {
        self.counters.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value.total) } }
    }

    /// The metrics in the Prometheus text format (0.0.4), each with `# HELP` and `# TYPE`.
    public func exposition() -> [UInt8] { self.registry.emitToBuffer() }

    /// A decode error of `protocol`, with the peer it came from logged by the caller.
    public func decodeError(_ proto: String, _ n: Int = 1) {
        self.add(Key("kaiju_decode_errors_total", ["protocol": proto]), n)
    }

    /// Input refused because it exceeded `limit` (`depth`, `frame`, `inflated`, `flatten`, `connections`, ...).
    public func limitHit(_ limit: String, _ n: Int = 1) { self.add(Key("kaiju_limit_hits_total", ["limit": limit]), n) }

    /// Input dropped for `reason`.
    public func dropped(_ reason: String, _ n: Int = 1) { self.add(Key("kaiju_dropped_total", ["reason": reason]), n) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
