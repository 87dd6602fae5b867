/// SQL's `like` matching: `%` matches any run of characters (none included), `_` exactly one, a
/// backslash makes the next character literal; everything else matches itself. The whole string must match.
enum SQLLikePattern {
    /// Whether `text` matches `pattern`, both as Unicode scalars.
    /// - Complexity: O(*n* · *m*) at worst (one backtracking point: the last `%`), no recursion.
    static func matches(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var t = 0
        var p = 0
        var starP = -1  // the pattern position after the last `%`
        var starT = 0  // the text position that `%` has matched up to
        while t < text.count {
            if p < pattern.count, pattern[p] == "%" {
                p += 1
                starP = p
                starT = t
            } else if p < pattern.count, pattern[p] == "_" {
                p += 1
                t += 1
            } else if p < pattern.count, let literal = Self.literal(pattern, at: p), literal.scalar == text[t] {
                p = literal.next
                t += 1
            } else if starP >= 0 {
                starT += 1
                t = starT
                p = starP
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "%" { p += 1 }
        return p == pattern.count
    }

    /// The literal character at `p` (a backslash escapes the next one) and the position after it.
    private static func literal(_ pattern: [Unicode.Scalar], at p: Int) -> (scalar: Unicode.Scalar, next: Int)? {
        if pattern[p] == "\\", p + 1 < pattern.count { return (pattern[p + 1], p + 2) }
        return (pattern[p], p + 1)
    }
}
