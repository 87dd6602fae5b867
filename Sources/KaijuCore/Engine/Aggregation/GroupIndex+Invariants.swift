extension GroupIndex {
    /// Checks that every group is reachable from the bucket of its own hash exactly once and that
    /// ``count`` is the number of groups; traps otherwise. Called from tests only.
    func _checkInvariants() {
        var seen = Set<ObjectIdentifier>()
        for (key, head) in self.byHashForInvariants {
            var group: GroupState? = head
            while let g = group {
                precondition(g.key.hash == key.hash, "GroupIndex: a group sits in another hash's chain")
                precondition(seen.insert(ObjectIdentifier(g)).inserted, "GroupIndex: a group is chained twice")
                group = g.nextWithSameHash
            }
        }
        precondition(seen.count == self.count, "GroupIndex: count \(self.count) but \(seen.count) groups chained")
    }
}
