/// A hash index over a named window's events by some of its columns (`create index`), kept by the
/// window's statement as events enter and leave, so on-actions correlating by those columns look up
/// their events instead of scanning the window.
final class WindowHashIndex {
    /// The indexed columns' positions in the window's type.
    let columns: [Int]
    @exclusivity(unchecked) private var buckets: [HashedValue: [WindowEntry]] = [:]

    init(columns: [Int]) { self.columns = columns }

    private func key(_ event: EngineEvent) -> HashedValue {
        let values = event.columnValues
        return HashedValue(Value.key(self.columns.map { $0 < values.count ? values[$0] : .null }))
    }

    /// Indexes `e` under its event's key.
    func add(_ e: WindowEntry) { self.buckets[self.key(e.event), default: []].append(e) }

    /// Removes the entry of `e`'s sequence number from `e`'s event's key (an updated event's old values
    /// come as a copy of its entry).
    func remove(_ e: WindowEntry) {
        let k = self.key(e.event)
        guard var bucket = self.buckets[k] else { return }
        bucket.removeAll { $0.seq == e.seq }
        self.buckets[k] = bucket.isEmpty ? nil : bucket
    }

    /// The live entries of `key` (values in index column order), oldest first.
    func entries(_ values: [Value]) -> [WindowEntry] {
        (self.buckets[HashedValue(Value.key(values))] ?? []).filter(\.alive).sorted { $0.seq < $1.seq }
    }
}
