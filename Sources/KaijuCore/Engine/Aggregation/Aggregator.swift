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

    /// What making an aggregator needs of its call: plain values, cheap to copy for every new group.
    struct Recipe {
        let kind: AggregateKind
        let countsRows: Bool
        let distinct: Bool
        let parameter: Int64?

        init(_ call: AggregateCall) {
            self.kind = call.kind
            self.countsRows = call.argument == nil
            self.distinct = call.distinct
            self.parameter = call.parameter
        }
    }

    /// A fresh state made by `recipe` (its input is what ``ResultProcessor`` computes for it: the argument,
    /// the engine time for `rate`, the key and the event for `maxby`/`minby`/`sorted`, the event for `window`).
    static func make(_ call: Recipe) -> Aggregator {
        let countsRows = call.countsRows
        let plain: Aggregator
        switch call.kind {
        case .count: plain = CountAggregator(countsRows: countsRows)
        case .sum: plain = SumAggregator()
        case .avg: plain = AvgAggregator()
        case .min: plain = ExtremeAggregator(max: false)
        case .max: plain = ExtremeAggregator(max: true)
        case .stddev: plain = StddevAggregator()
        case .first: plain = ArrivalOrderAggregator(.first, index: Int(clamping: call.parameter ?? 0))
        case .last: plain = ArrivalOrderAggregator(.last, index: Int(clamping: call.parameter ?? 0))
        case .window: plain = ArrivalOrderAggregator(.all)
        case .avedev: plain = AvedevAggregator()
        case .median: plain = MedianAggregator()
        case .nth: plain = NthAggregator(back: Int(clamping: call.parameter ?? 0))
        case .countever: plain = CountEverAggregator(countsRows: countsRows)
        case .firstever: plain = FirstLastEverAggregator(last: false)
        case .lastever: plain = FirstLastEverAggregator(last: true)
        case .maxever: plain = ExtremeEverAggregator(max: true)
        case .minever: plain = ExtremeEverAggregator(max: false)
        case .leaving: plain = LeavingAggregator()
        case .rate: plain = RateAggregator(interval: call.parameter ?? 1_000)
        case .maxby: plain = SortedEventsAggregator(.greatest)
        case .minby: plain = SortedEventsAggregator(.least)
        case .sorted: plain = SortedEventsAggregator(.all)
        }
        return call.distinct ? DistinctAggregator(plain) : plain
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

/// A sorted multiset of the non-null values in the window, which `min`, `max`, `median` and `avedev` read.
/// - Complexity: enter/leave O(log n) search plus an O(n) shift for a new distinct value.
class SortedValuesAggregator: Aggregator {
    @exclusivity(unchecked) final var values: [Value] = []
    @exclusivity(unchecked) final var counts: [Int] = []
    /// How many values (with repeats).
    @exclusivity(unchecked) final var total = 0

    private func position(_ v: Value) -> (Bool, Int) {
        var lo = 0
        var hi = self.values.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if self.values[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return (lo < self.values.count && self.values[lo] == v, lo)
    }

    override final func enter(_ v: Value, seq: Int64) {
        if v.isNull { return }
        self.total += 1
        let (found, i) = self.position(v)
        if found {
            self.counts[i] += 1
        } else {
            self.values.insert(v, at: i)
            self.counts.insert(1, at: i)
        }
    }

    override final func leave(_ v: Value, seq: Int64) {
        if v.isNull { return }
        let (found, i) = self.position(v)
        guard found else { return }
        self.total -= 1
        self.counts[i] -= 1
        if self.counts[i] == 0 {
            self.values.remove(at: i)
            self.counts.remove(at: i)
        }
    }
}

/// `min(expr)` / `max(expr)`: the ends of the sorted values.
final class ExtremeAggregator: SortedValuesAggregator {
    let max: Bool
    init(max: Bool) { self.max = max }
    override var value: Value { (self.max ? self.values.last : self.values.first) ?? .null }
}

/// `first(expr[, i])` / `last(expr[, i])`: the value of the oldest / newest event in the window (the i-th
/// after it); `window(*)`: every event, oldest first. Leaving entries are removed at the ends at once,
/// elsewhere when they reach an end.
final class ArrivalOrderAggregator: Aggregator {
    enum Pick { case first, last, all }
    let pick: Pick
    let index: Int
    @exclusivity(unchecked) var items: Deque<(seq: Int64, value: Value)> = []
    @exclusivity(unchecked) var removed: Set<Int64> = []
    init(_ pick: Pick, index: Int = 0) {
        self.pick = pick
        self.index = index
    }
    override var value: Value {
        if self.index > 0 { return self.value(at: self.index) }
        switch self.pick {
        case .first: return self.items.first?.value ?? .null
        case .last: return self.items.last?.value ?? .null
        case .all:
            if self.items.isEmpty { return .null }
            if self.removed.isEmpty { return .array(self.items.map(\.value)) }
            return .array(self.items.filter { !self.removed.contains($0.seq) }.map(\.value))
        }
    }
    /// The `i`-th live value from the oldest (`.first`) or newest (`.last`) end.
    private func value(at i: Int) -> Value {
        var remaining = i
        let live =
            self.pick == .last
            ? AnyIterator(self.items.reversed().makeIterator()) : AnyIterator(self.items.makeIterator())
        for item in live where !self.removed.contains(item.seq) {
            if remaining == 0 { return item.value }
            remaining -= 1
        }
        return .null
    }
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
