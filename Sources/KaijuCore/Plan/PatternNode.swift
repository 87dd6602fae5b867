/// An event pattern (`pattern [ ... ]`), as Esper's EPL writes it.
///
/// Precedence when written as text, tightest first: guard (`where timer:within`), unary (`every`,
/// `not`), repeat (`[n]`), `and`, `or`, `->`. The tree here is already parenthesised.
public indirect enum PatternNode: Sendable, Hashable {
    /// `tag=Type(filter)`: waits for one event of `type` (or a subtype) passing `filter`. The filter may
    /// read earlier tags (`m2.tags = m1.tags`); unqualified names are the atom's own properties.
    case atom(tag: String?, type: String, filter: ExprNode?)
    /// `a -> b`: for each match of `a`, a new wait for `b`.
    case followedBy(PatternNode, PatternNode)
    /// `a and b`: both, in any order.
    case and([PatternNode])
    /// `a or b`: either.
    case or([PatternNode])
    /// `not a`: true until `a` occurs.
    case not(PatternNode)
    /// `every a`: restarts `a` whenever it ends, true or false.
    case every(PatternNode)
    /// `[n] a`: `a`, n times in sequence.
    case repeatCount(Int, PatternNode)
    /// `a where timer:within(d)`: `a` must end true within `d` of its start, else it ends false.
    case within(TimePeriod, PatternNode)
    /// `timer:interval(d)`: true once `d` has passed since its start.
    case interval(TimePeriod)
    /// `timer:at(minutes, hours, days, months, weekdays [, seconds])`: true at the schedule's first time after
    /// its start (UTC).
    case at(Crontab)
    /// `[min:max] a until b` (also `a until b`, `[n:] a until b`, `[:m] a until b`, and `[n:m] a` without
    /// `until`): `a` repeated in sequence, at most `max` times (`nil`: no bound), until `b` matches — true
    /// then if `a` matched at least `min` times, else false; without `until`, true once `a` matched `max`
    /// times. Tags inside `a` bind arrays of every repetition's events (`a[0].v`, `a.countOf()`).
    case repeatUntil(min: Int, max: Int?, PatternNode, until: PatternNode?)
    /// `every-distinct(exprs [, expiry]) a`: as `every a`, reporting only matches whose values of `exprs`
    /// were not reported before (within `expiry` of when they were, if given).
    case everyDistinct([ExprNode], expiry: TimePeriod?, PatternNode)
    /// `a while (condition)`: `a`'s matches while `condition` holds for them; the first that fails ends `a` false.
    case whileGuard(ExprNode, PatternNode)
    /// `tag=Type(filter)@consume(level)` (an atom): an event this atom takes is not offered to the pattern's
    /// atoms of a lower level (or without `@consume`) that would take it too.
    case consume(Int, PatternNode)

    /// The tags bound anywhere in the pattern, in order of first appearance.
    public var tags: [String] {
        var out: [String] = []
        self.collectTags(into: &out)
        return out
    }

    private func collectTags(into out: inout [String]) {
        switch self {
        case .atom(let tag, _, _):
            if let tag, !out.contains(tag) { out.append(tag) }
        case .followedBy(let a, let b):
            a.collectTags(into: &out)
            b.collectTags(into: &out)
        case .and(let xs), .or(let xs):
            for x in xs { x.collectTags(into: &out) }
        case .not(let x), .every(let x), .repeatCount(_, let x), .within(_, let x), .everyDistinct(_, _, let x),
            .whileGuard(_, let x), .consume(_, let x):
            x.collectTags(into: &out)
        case .repeatUntil(_, _, let x, let until):
            x.collectTags(into: &out)
            until?.collectTags(into: &out)
        case .interval, .at:
            break
        }
    }
}

extension PatternNode: CustomStringConvertible {
    /// EPL text, fully parenthesised.
    public var description: String {
        switch self {
        case .atom(let tag, let type, let filter):
            return (tag.map { "\($0)=" } ?? "") + type + (filter.map { "(\($0))" } ?? "")
        case .followedBy(let a, let b): return "(\(a) -> \(b))"
        case .and(let xs): return "(" + xs.map(\.description).joined(separator: " and ") + ")"
        case .or(let xs): return "(" + xs.map(\.description).joined(separator: " or ") + ")"
        case .not(let x): return "not \(x)"
        case .every(let x): return "every \(x)"
        case .repeatCount(let n, let x): return "[\(n)] \(x)"
        case .within(let d, let x): return "(\(x) where timer:within(\(d)))"
        case .interval(let d): return "timer:interval(\(d))"
        case .at: return "timer:at(...)"
        case .repeatUntil(let lo, let hi, let x, let until):
            let range = "[\(lo):\(hi.map(String.init) ?? "")] "
            return "(" + range + x.description + (until.map { " until \($0)" } ?? "") + ")"
        case .everyDistinct(let keys, let expiry, let x):
            let args = keys.map(\.description) + (expiry.map { ["\($0)"] } ?? [])
            return "every-distinct(\(args.joined(separator: ", "))) \(x)"
        case .whileGuard(let c, let x): return "(\(x) while (\(c)))"
        case .consume(let level, let x): return "\(x)@consume(\(level))"
        }
    }
}
