/// `maxby(expr)`, `minby(expr)`, `sorted(expr)`: the window's events ordered by a key (each input is
/// `[key, event]`); among equal keys the oldest comes first. Events with a null key are left out.
/// - Complexity: enter/leave O(log n) search plus an O(n) shift.
final class SortedEventsAggregator: Aggregator {
    enum Pick { case greatest, least, all }
    let pick: Pick
    @exclusivity(unchecked) private var entries: [(key: Value, seq: Int64, event: Value)] = []
    init(_ pick: Pick) { self.pick = pick }

    override var value: Value {
        switch self.pick {
        case .least: return self.entries.first?.event ?? .null
        case .greatest:
            guard let last = self.entries.last else { return .null }
            return self.entries[self.firstIndex(notBefore: last.key, seq: .min)].event
        case .all: return self.entries.isEmpty ? .null : .array(self.entries.map(\.event))
        }
    }

    /// The first position whose (key, seq) is not before (`key`, `seq`).
    private func firstIndex(notBefore key: Value, seq: Int64) -> Int {
        var lo = 0
        var hi = self.entries.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let e = self.entries[mid]
            if e.key < key || (e.key == key && e.seq < seq) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    override func enter(_ v: Value, seq: Int64) {
        guard case .array(let pair) = v, pair.count == 2, !pair[0].isNull else { return }
        self.entries.insert((pair[0], seq, pair[1]), at: self.firstIndex(notBefore: pair[0], seq: seq))
    }

    override func leave(_ v: Value, seq: Int64) {
        guard case .array(let pair) = v, pair.count == 2, !pair[0].isNull else { return }
        let i = self.firstIndex(notBefore: pair[0], seq: seq)
        if i < self.entries.count, self.entries[i].seq == seq { self.entries.remove(at: i) }
    }
}
