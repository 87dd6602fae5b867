/// A statement's groups by key. Keys of several expressions are looked up from their component
/// values in a reusable buffer — hashed the way `Value.array` hashes, compared element by element —
/// so finding an existing group builds no array; only a new group's key is built.
struct GroupIndex {
    /// The newest group of each hash; others with the same hash follow ``GroupState/nextWithSameHash``.
    private var byHash: [HashKey: GroupState] = [:]
    private(set) var count = 0

    /// The group whose key is `key` (hashing to `hash`), if any.
    func find(_ key: HashedValue) -> GroupState? {
        var g = self.byHash[HashKey(hash: key.hash)]
        while let candidate = g {
            if candidate.key == key { return candidate }
            g = candidate.nextWithSameHash
        }
        return nil
    }

    /// The group whose key is the array `components` (with `hash` from ``KeyHasher/hash(ofArray:)``), if any.
    func find(components: [Value], hash: Int) -> GroupState? {
        var g = self.byHash[HashKey(hash: hash)]
        while let candidate = g {
            if case .array(let items) = candidate.key.value, items == components { return candidate }
            g = candidate.nextWithSameHash
        }
        return nil
    }

    mutating func insert(_ g: GroupState) {
        g.nextWithSameHash = self.byHash.updateValue(g, forKey: HashKey(hash: g.key.hash))
        self.count += 1
    }

    /// The hash buckets, for ``_checkInvariants()``.
    var byHashForInvariants: [HashKey: GroupState] { self.byHash }

    mutating func remove(_ g: GroupState) {
        guard let head = self.byHash[HashKey(hash: g.key.hash)] else { return }
        if head === g {
            self.byHash[HashKey(hash: g.key.hash)] = g.nextWithSameHash
        } else {
            var previous = head
            while let next = previous.nextWithSameHash, next !== g { previous = next }
            guard previous.nextWithSameHash === g else { return }
            previous.nextWithSameHash = g.nextWithSameHash
        }
        g.nextWithSameHash = nil
        self.count -= 1
    }
}
