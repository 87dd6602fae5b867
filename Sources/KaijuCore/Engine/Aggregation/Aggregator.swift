import DequeModule

/// The incremental state of one aggregate function in one group: values enter and leave as events
/// enter and leave the statement's windows; the window is never rescanned.
class Aggregator {
    /// The current result.
    var value: Value { .null }
    /// A value entered (`seq` identifies the event).
    func enter(_ v: Value, seq: Int64) {}
    /// A value left.
    func leave(_ v: Value, seq: Int64) {}

    static func make(_ kind: AggregateKind, countsRows: Bool) -> Aggregator {
        switch kind {
        case .count: return CountAggregator(countsRows: countsRows)
        case .sum: return SumAggregator()
        case .avg: return AvgAggregator()
        case .min: return ExtremeAggregator(max: false)
        case .max: return ExtremeAggregator(max: true)
        case .stddev: return StddevAggregator()
        case .first: return FirstLastAggregator(last: false)
        case .last: return FirstLastAggregator(last: true)
        }
    }
}

/// `count(*)` (every event) or `count(expr)` (non-null values).
final class CountAggregator: Aggregator {
    let countsRows: Bool
    @exclusivity(unchecked) var n: Int64 = 0
    init(countsRows: Bool) { self.countsRows = countsRows }
    override var value: Value { .int(self.n) }
    override func enter(_ v: Value, seq: Int64) { if self.countsRows || !v.isNull { self.n += 1 } }
    override func leave(_ v: Value, seq: Int64) { if self.countsRows || !v.isNull { self.n -= 1 } }
}

/// `sum(expr)`: a long while every value is an integer, else a double; null with no values.
final class SumAggregator: Aggregator {
    @exclusivity(unchecked) var intSum: Int64 = 0
    @exclusivity(unchecked) var doubleSum: Double = 0
    @exclusivity(unchecked) var n = 0
    @exclusivity(unchecked) var doubles = 0
    override var value: Value {
        if self.n == 0 { return .null }
        return self.doubles == 0 ? .int(self.intSum) : .double(self.doubleSum + Double(self.intSum))
    }
    override func enter(_ v: Value, seq: Int64) {
        switch v {
        case .int(let i):
            self.intSum &+= i
            self.n += 1
        case .double(let d):
            self.doubleSum += d
            self.n += 1
            self.doubles += 1
        default: break
        }
    }
    override func leave(_ v: Value, seq: Int64) {
        switch v {
        case .int(let i):
            self.intSum &-= i
            self.n -= 1
        case .double(let d):
            self.doubleSum -= d
            self.n -= 1
            self.doubles -= 1
        default: break
        }
        if self.doubles == 0 { self.doubleSum = 0 }
    }
}

/// `avg(expr)`: a double, null with no values.
final class AvgAggregator: Aggregator {
    @exclusivity(unchecked) var sum: Double = 0
    @exclusivity(unchecked) var n = 0
    override var value: Value { self.n == 0 ? .null : .double(self.sum / Double(self.n)) }
    override func enter(_ v: Value, seq: Int64) {
        guard let d = v.doubleValue else { return }
        self.sum += d
        self.n += 1
    }
    override func leave(_ v: Value, seq: Int64) {
        guard let d = v.doubleValue else { return }
        self.sum -= d
        self.n -= 1
        if self.n == 0 { self.sum = 0 }
    }
}

/// `stddev(expr)`: the sample standard deviation (n − 1), by Welford's update and its inverse; null below 2 values.
final class StddevAggregator: Aggregator {
    @exclusivity(unchecked) var n = 0
    @exclusivity(unchecked) var mean = 0.0
    @exclusivity(unchecked) var m2 = 0.0
    override var value: Value {
        self.n < 2 ? .null : .double((Swift.max(self.m2, 0) / Double(self.n - 1)).squareRoot())
    }
    override func enter(_ v: Value, seq: Int64) {
        guard let x = v.doubleValue else { return }
        self.n += 1
        let delta = x - self.mean
        self.mean += delta / Double(self.n)
        self.m2 += delta * (x - self.mean)
    }
    override func leave(_ v: Value, seq: Int64) {
        guard let x = v.doubleValue else { return }
        if self.n <= 1 {
            self.n = 0
            self.mean = 0
            self.m2 = 0
            return
        }
        let delta = x - self.mean
        self.n -= 1
        self.mean -= delta / Double(self.n)
        self.m2 -= delta * (x - self.mean)
    }
}

/// `min(expr)` / `max(expr)`: a sorted multiset of the values in the window.
/// - Complexity: enter/leave O(log n) search plus an O(n) shift for a new distinct value.
final class ExtremeAggregator: Aggregator {
    let max: Bool
    @exclusivity(unchecked) var values: [Value] = []
    @exclusivity(unchecked) var counts: [Int] = []
    init(max: Bool) { self.max = max }
    override var value: Value { (self.max ? self.values.last : self.values.first) ?? .null }

    private func position(_ v: Value) -> (Bool, Int) {
        var lo = 0
        var hi = self.values.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if self.values[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return (lo < self.values.count && self.values[lo] == v, lo)
    }

    override func enter(_ v: Value, seq: Int64) {
        if v.isNull { return }
        let (found, i) = self.position(v)
        if found {
            self.counts[i] += 1
        } else {
            self.values.insert(v, at: i)
            self.counts.insert(1, at: i)
        }
    }
    override func leave(_ v: Value, seq: Int64) {
        if v.isNull { return }
        let (found, i) = self.position(v)
        guard found else { return }
        self.counts[i] -= 1
        if self.counts[i] == 0 {
            self.values.remove(at: i)
            self.counts.remove(at: i)
        }
    }
}

/// `first(expr)` / `last(expr)`: the value of the oldest / newest event in the window.
final class FirstLastAggregator: Aggregator {
    let last: Bool
    @exclusivity(unchecked) var items: Deque<(seq: Int64, value: Value)> = []
    @exclusivity(unchecked) var removed: Set<Int64> = []
    init(last: Bool) { self.last = last }
    override var value: Value { (self.last ? self.items.last?.value : self.items.first?.value) ?? .null }
    override func enter(_ v: Value, seq: Int64) { self.items.append((seq, v)) }
    override func leave(_ v: Value, seq: Int64) {
        if self.items.first?.seq == seq {
            self.items.removeFirst()
        } else if self.items.last?.seq == seq {
            self.items.removeLast()
        } else {
            self.removed.insert(seq)
        }
        while let f = self.items.first, self.removed.remove(f.seq) != nil { self.items.removeFirst() }
        while let l = self.items.last, self.removed.remove(l.seq) != nil { self.items.removeLast() }
    }
}
