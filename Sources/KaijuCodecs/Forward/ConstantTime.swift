/// Comparisons of secrets that take the same time however early the inputs differ.
public enum ConstantTime {
    /// Whether `a` and `b` are equal, in time that depends only on their lengths (no early exit on the
    /// first differing byte, so a peer cannot learn a secret byte by byte from response times).
    /// - Parameters:
    ///   - a: One byte sequence.
    ///   - b: The other.
    /// - Returns: `true` when both hold the same bytes.
    /// - Complexity: O(*n*) where *n* is the length of the shorter input.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
