/// `countever(*)` / `countever(expr)`: events (non-null values) ever entered; leaving does not count.
final class CountEverAggregator: Aggregator {
    let countsRows: Bool
    @exclusivity(unchecked) var n: Int64 = 0
    init(countsRows: Bool) { self.countsRows = countsRows }
    override var value: Value { .int(self.n) }
    override func enter(_ v: Value, seq: Int64) { if self.countsRows || !v.isNull { self.n += 1 } }
}

/// `firstever(expr)` / `lastever(expr)`: the value of the first / last event ever entered.
final class FirstLastEverAggregator: Aggregator {
    let last: Bool
    @exclusivity(unchecked) var held: Value?
    init(last: Bool) { self.last = last }
    override var value: Value { self.held ?? .null }
    override func enter(_ v: Value, seq: Int64) { if self.last || self.held == nil { self.held = v } }
}

/// `maxever(expr)` / `minever(expr)`: the greatest / least non-null value ever entered.
final class ExtremeEverAggregator: Aggregator {
    let max: Bool
    @exclusivity(unchecked) var best: Value = .null
    init(max: Bool) { self.max = max }
    override var value: Value { self.best }
    override func enter(_ v: Value, seq: Int64) {
        if v.isNull { return }
        if self.best.isNull || (self.max ? self.best < v : v < self.best) { self.best = v }
    }
}

/// `aggregate(distinct expr)`: passes a value to the aggregate it wraps when it first appears among the
/// window's values, and takes it back when its last copy leaves.
final class DistinctAggregator: Aggregator {
    let inner: Aggregator
    @exclusivity(unchecked) var copies: [HashedValue: Int] = [:]
    init(_ inner: Aggregator) { self.inner = inner }
    override var value: Value { self.inner.value }
    override func enter(_ v: Value, seq: Int64) {
        let key = HashedValue(v)
        let n = self.copies[key, default: 0]
        self.copies[key] = n + 1
        if n == 0 { self.inner.enter(v, seq: seq) }
    }
    override func leave(_ v: Value, seq: Int64) {
        let key = HashedValue(v)
        guard let n = self.copies[key] else { return }
        if n <= 1 {
            self.copies[key] = nil
            self.inner.leave(v, seq: seq)
        } else {
            self.copies[key] = n - 1
        }
    }
}
