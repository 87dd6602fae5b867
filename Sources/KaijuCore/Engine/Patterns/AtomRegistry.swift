/// The waits of one pattern atom: in a hash index by key when the atom's filter correlates by
/// equality, else in a list. Removal is O(1) for indexed waits and amortised O(1) for listed ones.
struct AtomRegistry {
    let indexed: Bool
    private var buckets: [Value: [AtomState]] = [:]
    /// Indexed waits whose key could not be computed, and all waits of unindexed atoms, in start order.
    private var list: [AtomState] = []
    private var deadInList = 0
    private(set) var count = 0

    init(indexed: Bool) { self.indexed = indexed }

    mutating func add(_ s: AtomState) {
        self.count += 1
        if let key = s.key {
            self.buckets[key, default: []].append(s)
        } else {
            self.list.append(s)
        }
    }

    mutating func remove(_ s: AtomState) {
        self.count -= 1
        if let key = s.key {
            guard var bucket = self.buckets[key] else { return }
            bucket.removeAll { $0 === s }
            self.buckets[key] = bucket.isEmpty ? nil : bucket
        } else {
            self.deadInList += 1
            if self.deadInList > 32 && self.deadInList * 2 > self.list.count {
                self.list.removeAll { !$0.registered }
                self.deadInList = 0
            }
        }
    }

    /// Appends every live wait.
    func collectAll(into out: inout [AtomState]) {
        for s in self.list where s.registered { out.append(s) }
        for bucket in self.buckets.values { out.append(contentsOf: bucket) }
    }

    /// Appends the waits an event with index key `key` may match: its bucket and the unkeyed list.
    func collect(key: Value?, into out: inout [AtomState]) {
        for s in self.list where s.registered { out.append(s) }
        if let key, let bucket = self.buckets[key] { out.append(contentsOf: bucket) }
    }
}
