/// The waits of one pattern atom: in a hash index by key when the atom's filter correlates by
/// equality, else in a list. Waits with the same key form a chain through the waits themselves
/// (newest first), so adding and removing one costs a single hash lookup and no allocation.
struct AtomRegistry {
    let indexed: Bool
    /// The newest wait of each key; older ones follow through ``AtomState/older``.
    private var heads: [HashedValue: AtomState] = [:]
    /// Indexed waits whose key could not be computed, and all waits of unindexed atoms, in start order.
    private var list: [AtomState] = []
    private var deadInList = 0
    private(set) var count = 0

    init(indexed: Bool) { self.indexed = indexed }

    mutating func add(_ s: AtomState) {
        self.count += 1
        if let key = s.key {
            if let previous = self.heads.updateValue(s, forKey: key) {
                s.older = previous
                previous.newer = s
            }
        } else {
            self.list.append(s)
        }
    }

    mutating func remove(_ s: AtomState) {
        self.count -= 1
        if let key = s.key {
            let (newer, older) = (s.newer, s.older)
            s.newer = nil
            s.older = nil
            older?.newer = newer
            if let newer {
                newer.older = older
            } else if let older {
                self.heads[key] = older
            } else {
                self.heads[key] = nil
            }
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
        for head in self.heads.values { Self.collectChain(head, into: &out) }
    }

    /// Appends the waits an event with index key `key` may match: its chain and the unkeyed list.
    func collect(key: HashedValue?, into out: inout [AtomState]) {
        for s in self.list where s.registered { out.append(s) }
        if let key, let head = self.heads[key] { Self.collectChain(head, into: &out) }
    }

    private static func collectChain(_ head: AtomState, into out: inout [AtomState]) {
        var next: AtomState? = head
        while let s = next {
            out.append(s)
            next = s.older
        }
    }
}
