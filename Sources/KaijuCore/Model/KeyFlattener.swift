/// Builds the flattened keys of a log record (`kubernetes.labels.app`, `items[0]`) in one buffer, and
/// keeps the keys it hands out linear in the record's size.
///
/// A nesting level appends its own key and removes it when done, so the work per level is its own
/// key's length. The keys produced may total at most `maxExpansion` times the bytes read since the
/// record started, plus 1 KiB: a record of one long key over many small leaves is refused instead of
/// producing quadratic key text.
///
/// # Usage
/// ```swift
/// var f = KeyFlattener(start: offset, maxExpansion: 16)
/// let mark = f.push(key: "kubernetes")
/// let key = f.leafKey(consumedTo: offsetOfTheLeafValue)   // "kubernetes", or nil past the budget
/// f.pop(to: mark)
/// ```
public struct KeyFlattener: Sendable {
    /// The key being built.
    private var path: [UInt8] = []
    /// The byte offset where the record started.
    private let start: Int
    /// Key bytes handed out so far.
    private var produced = 0
    /// How many key bytes may be produced per byte of input.
    public let maxExpansion: Int

    /// A flattener for a record starting at byte `start` of its input.
    public init(start: Int, maxExpansion: Int) {
        self.start = start
        self.maxExpansion = max(1, maxExpansion)
    }

    /// Appends a map key (after a `.` unless it is the first); returns the mark to ``pop(to:)`` back to.
    public mutating func push(key: String) -> Int {
        let mark = self.path.count
        if mark > 0 { self.path.append(UInt8(ascii: ".")) }
        self.path.append(contentsOf: key.utf8)
        return mark
    }

    /// Appends a map key given as raw UTF-8 bytes.
    public mutating func push(keyBytes: UnsafeRawBufferPointer) -> Int {
        let mark = self.path.count
        if mark > 0 { self.path.append(UInt8(ascii: ".")) }
        self.path.append(contentsOf: keyBytes)
        return mark
    }

    /// Appends an array index, `[i]`.
    public mutating func push(index: Int) -> Int {
        let mark = self.path.count
        self.path.append(UInt8(ascii: "["))
        self.path.append(contentsOf: String(index).utf8)
        self.path.append(UInt8(ascii: "]"))
        return mark
    }

    /// Removes what was pushed since `mark`.
    public mutating func pop(to mark: Int) { self.path.removeLast(self.path.count - mark) }

    /// The current key for a leaf whose value starts at byte `offset`, or `nil` when handing it out
    /// would exceed the budget.
    @_spi(Codecs) public mutating func leafKey(consumedTo offset: Int, interner: StringInterner? = nil) -> String? {
        self.produced += self.path.count
        let consumed = max(0, offset - self.start)
        let (budget, overflow) = consumed.multipliedReportingOverflow(by: self.maxExpansion)
        guard overflow || self.produced <= budget &+ 1024 else { return nil }
        return self.path.withUnsafeBufferPointer { interner?.string($0) ?? String(decoding: $0, as: UTF8.self) }
    }
}
