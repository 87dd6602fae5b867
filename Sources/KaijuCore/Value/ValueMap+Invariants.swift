extension ValueMap {
    /// Checks that the entries are sorted by key with no key repeated; traps otherwise.
    /// Called from tests only.
    public func _checkInvariants() {
        for i in self.entries.indices.dropFirst() {
            precondition(
                self.entries[i - 1].key < self.entries[i].key,
                "ValueMap keys out of order or repeated at \(i)"
            )
        }
    }
}
