import Foundation
import KaijuCodecs
import Synchronization

/// Counters a server exposes on `GET /metrics`, safe to bump from any thread (once per batch, not per event).
public final class IngestStats: Sendable {
    /// A counter's name and labels, e.g. `kaiju_events_in_total` with `type="Metric"`.
    public struct Key: Hashable, Sendable, Comparable {
        /// The metric's name.
        public var name: String
        /// Its labels, rendered as Prometheus writes them.
        public var labels: String

        /// A key for `name{labels}`.
        public init(_ name: String, _ labels: KeyValuePairs<String, String> = [:]) {
            self.name = name
            self.labels = labels.map { "\($0.key)=\"\(IngestStats.escape($0.value))\"" }.joined(separator: ",")
        }

        /// Orders by name, then labels.
        public static func < (a: Key, b: Key) -> Bool { (a.name, a.labels) < (b.name, b.labels) }
    }

    private let counters = Mutex<[Key: Int]>([:])

    /// Empty counters.
    public init() {}

    /// Adds `n` (negative amounts are ignored: counters only go up) and saturates at `Int.max`.
    public func add(_ key: Key, _ n: Int = 1) {
        guard n > 0 else { return }
        self.counters.withLock { counters in
            let (sum, overflow) = counters[key, default: 0].addingReportingOverflow(n)
            counters[key] = overflow ? Int.max : sum
        }
    }

    private let gauges = Mutex<[Key: Int]>([:])

    /// Sets a gauge (a value that goes up and down: a backlog, a queue's length).
    public func set(_ key: Key, _ value: Int) { self.gauges.withLock { $0[key] = value } }

    /// Every gauge set so far, sorted.
    public var gaugeSnapshot: [(Key, Int)] {
        self.gauges.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }

    /// The counter's value (0 if never counted).
    public func value(_ key: Key) -> Int { self.counters.withLock { $0[key] ?? 0 } }

    /// Every counter, sorted.
    public var snapshot: [(Key, Int)] {
        self.counters.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }

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
