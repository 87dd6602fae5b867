extension Array {
    /// Empties a per-event scratch buffer, keeping its storage.
    ///
    /// `removeAll(keepingCapacity: true)` goes through `replaceSubrange`, which costs a few hundred
    /// instructions even on an empty array; the buffers the engine reuses per event hold none, one or
    /// two elements, so popping them is cheaper.
    /// - Complexity: O(n)
    @inline(__always) mutating func clear() {
        while self.popLast() != nil {}
    }
}
