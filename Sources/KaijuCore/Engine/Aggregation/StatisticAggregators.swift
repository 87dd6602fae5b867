import DequeModule

/// `median(expr)`: the middle value of the window's numbers (the mean of the two middle ones for an even
/// count), a double; null with none.
final class MedianAggregator: SortedValuesAggregator {
    override var value: Value {
        guard self.total > 0 else { return .null }
        let low = (self.total - 1) / 2
        let high = self.total / 2
        var seen = 0
        var lowValue: Double?
        for (i, v) in self.values.enumerated() {
            seen += self.counts[i]
            if lowValue == nil, seen > low { lowValue = v.doubleValue }
            if seen > high {
                guard let a = lowValue, let b = v.doubleValue else { return .null }
                return .double((a + b) / 2)
            }
        }
        return .null
    }
}

/// `avedev(expr)`: the mean absolute deviation of the window's numbers from their mean; null with none.
final class AvedevAggregator: SortedValuesAggregator {
    override var value: Value {
        guard self.total > 0 else { return .null }
        var sum = 0.0
        for (i, v) in self.values.enumerated() { sum += (v.doubleValue ?? 0) * Double(self.counts[i]) }
        let mean = sum / Double(self.total)
        var deviation = 0.0
        for (i, v) in self.values.enumerated() {
            deviation += Swift.abs((v.doubleValue ?? 0) - mean) * Double(self.counts[i])
        }
        return .double(deviation / Double(self.total))
    }
}

/// `nth(expr, n)`: the value `n` events back from the newest in the window (0 = the newest, nulls
/// included); null while the window holds `n` events or fewer. Only the last `n + 1` values are kept.
final class NthAggregator: Aggregator {
    private let size: Int
    @exclusivity(unchecked) private var ring: [Value]
    @exclusivity(unchecked) private var next = 0
    @exclusivity(unchecked) private var count = 0
    init(back: Int) {
        self.size = Swift.min(Swift.max(back, 0), 1_000_000) + 1
        self.ring = []
    }
    override var value: Value {
        guard self.count >= self.size, self.ring.count == self.size else { return .null }
        return self.ring[self.next]  // the oldest kept: `size - 1` back from the newest
    }
    override func enter(_ v: Value, seq: Int64) {
        if self.ring.count < self.size {
            self.ring.append(v)
            self.next = self.ring.count % self.size
        } else {
            self.ring[self.next] = v
            self.next = (self.next + 1) % self.size
        }
        self.count += 1
    }
    override func leave(_ v: Value, seq: Int64) { if self.count > 0 { self.count -= 1 } }
}

/// `rate(n)`: events per second over the last `interval` ms of engine time (each input is the engine
/// time an event entered); null until an event is older than the interval.
final class RateAggregator: Aggregator {
    private let interval: Int64
    @exclusivity(unchecked) private var times: Deque<Int64> = []
    @exclusivity(unchecked) private var full = false
    init(interval: Int64) { self.interval = Swift.max(interval, 1) }
    override var value: Value {
        self.full ? .double(Double(self.times.count) * 1000 / Double(self.interval)) : .null
    }
    override func enter(_ v: Value, seq: Int64) {
        guard case .int(let now) = v else { return }
        self.times.append(now)
        while let first = self.times.first, first <= now &- self.interval {
            self.times.removeFirst()
            self.full = true
        }
    }
}

/// `leaving()`: whether any event has left the window yet.
final class LeavingAggregator: Aggregator {
    @exclusivity(unchecked) private var left = false
    override var value: Value { .bool(self.left) }
    override func leave(_ v: Value, seq: Int64) { self.left = true }
}
