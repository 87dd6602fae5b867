extension PatternNode {
    /// The pattern with each repeat `[n] p` whose `p` binds tags written as `[n:n] p`, so its tags bind
    /// arrays of the n repetitions' events (`a[0].v`, `a.countOf()`), as Esper's repeat does.
    func taggedRepeatsAsArrays() -> PatternNode {
        switch self {
        case .atom, .interval, .at: return self
        case .followedBy(let a, let b): return .followedBy(a.taggedRepeatsAsArrays(), b.taggedRepeatsAsArrays())
        case .and(let xs): return .and(xs.map { $0.taggedRepeatsAsArrays() })
        case .or(let xs): return .or(xs.map { $0.taggedRepeatsAsArrays() })
        case .not(let x): return .not(x.taggedRepeatsAsArrays())
        case .every(let x): return .every(x.taggedRepeatsAsArrays())
        case .within(let d, let x): return .within(d, x.taggedRepeatsAsArrays())
        case .everyDistinct(let keys, let expiry, let x):
            return .everyDistinct(keys, expiry: expiry, x.taggedRepeatsAsArrays())
        case .whileGuard(let c, let x): return .whileGuard(c, x.taggedRepeatsAsArrays())
        case .consume(let level, let x): return .consume(level, x.taggedRepeatsAsArrays())
        case .repeatUntil(let lo, let hi, let x, let until):
            return .repeatUntil(min: lo, max: hi, x.taggedRepeatsAsArrays(), until: until?.taggedRepeatsAsArrays())
        case .repeatCount(let n, let x):
            let inner = x.taggedRepeatsAsArrays()
            return inner.tags.isEmpty ? .repeatCount(n, inner) : .repeatUntil(min: n, max: n, inner, until: nil)
        }
    }

    /// Whether a repeat (`[n]`, `[n:m]`, `until`) inside the pattern binds a tag.
    var repeatsTags: Bool {
        switch self {
        case .atom, .interval, .at: return false
        case .followedBy(let a, let b): return a.repeatsTags || b.repeatsTags
        case .and(let xs), .or(let xs): return xs.contains { $0.repeatsTags }
        case .not(let x), .every(let x), .within(_, let x), .everyDistinct(_, _, let x), .whileGuard(_, let x),
            .consume(_, let x):
            return x.repeatsTags
        case .repeatCount(_, let x), .repeatUntil(_, _, let x, _): return !x.tags.isEmpty || x.repeatsTags
        }
    }
}
