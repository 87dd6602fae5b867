/// An immutable-by-default string-keyed map of values, kept sorted by key.
///
/// Sorted storage makes equality and hashing independent of insertion order, output deterministic,
/// and lookups a binary search over a contiguous array — cheaper than a `Dictionary` for the
/// small maps events carry (tags, fields, payload, context).
///
/// - Complexity: lookup O(log n); building from n entries O(n log n).
public struct ValueMap: Sendable, Hashable, Sequence {
    /// One key and its value.
    public struct Entry: Sendable, Hashable {
        /// The entry's key.
        public var key: String
        /// The entry's value.
        public var value: KaijuCore.Value
        /// An entry.
        public init(key: String, value: KaijuCore.Value) {
            self.key = key
            self.value = value
        }
    }

    /// The entries, sorted by key, keys unique.
    public private(set) var entries: [Entry]

    /// An empty map.
    public init() { self.entries = [] }

    /// A map of these entries; for a repeated key the last one wins.
    public init(_ entries: consuming [Entry]) {
        var sorted = entries
        if !Self.isStrictlySorted(sorted) {
            if sorted.count <= 16 {
                Self.insertionSortKeepingLast(&sorted)
            } else {
                // Stable sort keeps the later duplicate after the earlier one, so the dedupe below keeps the last.
                sorted = sorted.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(
                    \.element
                )
                Self.dropRepeatedKeysKeepingLast(&sorted)
            }
        }
        self.entries = sorted
    }

    /// A map from key/value pairs.
    public init(_ pairs: KeyValuePairs<String, KaijuCore.Value>) {
        self.init(pairs.map { Entry(key: $0.key, value: $0.value) })
    }

    /// A map from a dictionary.
    public init(_ dictionary: [String: KaijuCore.Value]) {
        self.init(dictionary.map { Entry(key: $0.key, value: $0.value) })
    }

    /// Sorts a few entries by key in place (stable, by swaps: no copies), then keeps the last of repeated keys.
    private static func insertionSortKeepingLast(_ entries: inout [Entry]) {
        var repeated = false
        for i in 1..<entries.count {
            var j = i
            while j > 0, entries[j].key < entries[j - 1].key {
                entries.swapAt(j, j - 1)
                j -= 1
            }
            if j > 0, entries[j].key == entries[j - 1].key { repeated = true }
        }
        if repeated { Self.dropRepeatedKeysKeepingLast(&entries) }
    }

    /// In sorted entries, keeps the last of each run of equal keys.
    private static func dropRepeatedKeysKeepingLast(_ entries: inout [Entry]) {
        var kept = 0
        for i in 0..<entries.count {
            if kept > 0, entries[kept - 1].key == entries[i].key {
                entries.swapAt(kept - 1, i)
            } else {
                if kept != i { entries.swapAt(kept, i) }
                kept += 1
            }
        }
        entries.removeLast(entries.count - kept)
    }

    private static func isStrictlySorted(_ entries: [Entry]) -> Bool {
        var i = 1
        while i < entries.count {
            if !(entries[i - 1].key < entries[i].key) { return false }
            i += 1
        }
        return true
    }

    /// The number of entries.
    @inlinable public var count: Int { self.entries.count }
    /// Whether the map is empty.
    @inlinable public var isEmpty: Bool { self.entries.isEmpty }
    /// The keys in ascending order.
    public var keys: [String] { self.entries.map(\.key) }

    /// The value for `key`, or `nil`.
    /// - Complexity: O(log n)
    public subscript(key: String) -> KaijuCore.Value? {
        get {
            guard let i = self.index(of: key) else { return nil }
            return self.entries[i].value
        }
        set {
            let (found, at) = self.search(key)
            if let newValue {
                if found {
                    self.entries[at].value = newValue
                } else {
                    self.entries.insert(Entry(key: key, value: newValue), at: at)
                }
            } else if found {
                self.entries.remove(at: at)
            }
        }
    }

    /// The position of `key` in ``entries``, or `nil`.
    public func index(of key: String) -> Int? {
        if self.entries.count <= Self.linearSearchLimit {
            // Small maps (most tags and fields): equality tests beat ordered string comparisons.
            var i = 0
            while i < self.entries.count {
                if self.entries[i].key == key { return i }
                i += 1
            }
            return nil
        }
        let (found, at) = self.search(key)
        return found ? at : nil
    }

    /// Up to this many entries, ``index(of:)`` scans instead of bisecting.
    private static var linearSearchLimit: Int { 8 }

    private func search(_ key: String) -> (Bool, Int) {
        var lo = 0
        var hi = self.entries.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let k = self.entries[mid].key
            if k == key { return (true, mid) }
            if k < key { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    /// The entries in key order.
    public func makeIterator() -> IndexingIterator<[Entry]> { self.entries.makeIterator() }
}

extension ValueMap: ExpressibleByDictionaryLiteral {
    /// A map from a literal whose values may be variables of any ``ValueConvertible`` type:
    /// `["usage_idle": usage, "host": host, "n": 1]`.
    public init(dictionaryLiteral elements: (String, any ValueConvertible)...) {
        self.init(elements.map { Entry(key: $0.0, value: $0.1.kaijuValue) })
    }
}
