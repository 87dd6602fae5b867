extension PatternNode {
    /// The most repetitions of a tagged repeat expanded into a chain (``expandingTaggedRepeats()``).
    public static let maxExpandedRepeat = 64
    /// The most atoms an expansion may produce (nested repeats multiply); beyond it the repeat stays as
    /// written, and its tags are refused when the pattern is compiled.
    public static let maxExpandedAtoms = 1_024

    /// How many atoms the pattern has.
    var atomCount: Int {
        switch self {
        case .atom, .interval, .at: return 1
        case .followedBy(let a, let b): return a.atomCount + b.atomCount
        case .and(let xs), .or(let xs): return xs.reduce(0) { $0 + $1.atomCount }
        case .not(let x), .every(let x), .within(_, let x), .repeatCount(_, let x): return x.atomCount
        }
    }

    /// The pattern with each repeat `[n] p` whose `p` binds tags written out as `p -> p -> ...` (n times, as
    /// Esper defines the repeat), the i-th copy's tags renamed `tag[i]`: `[2] a=A` binds `a[0]` and `a[1]`,
    /// which expressions read as `a[0].v`.
    public func expandingTaggedRepeats() -> PatternNode {
        switch self {
        case .atom, .interval, .at: return self
        case .followedBy(let a, let b): return .followedBy(a.expandingTaggedRepeats(), b.expandingTaggedRepeats())
        case .and(let xs): return .and(xs.map { $0.expandingTaggedRepeats() })
        case .or(let xs): return .or(xs.map { $0.expandingTaggedRepeats() })
        case .not(let x): return .not(x.expandingTaggedRepeats())
        case .every(let x): return .every(x.expandingTaggedRepeats())
        case .within(let d, let x): return .within(d, x.expandingTaggedRepeats())
        case .repeatCount(let n, let x):
            let inner = x.expandingTaggedRepeats()
            let tags = inner.tags
            guard !tags.isEmpty, n >= 1, n <= Self.maxExpandedRepeat, inner.atomCount * n <= Self.maxExpandedAtoms
            else {
                return .repeatCount(n, inner)
            }
            var chain = inner.renamingTags(tags, index: 0)
            for i in 1..<n { chain = .followedBy(chain, inner.renamingTags(tags, index: i)) }
            return chain
        }
    }

    /// The pattern with each of `tags` renamed `tag[index]`, in its atoms and in the filters that read it.
    func renamingTags(_ tags: [String], index: Int) -> PatternNode {
        func rename(_ e: ExprNode) -> ExprNode {
            e.rewritten { node in
                guard case .property(let stream, let path) = node else { return nil }
                if let stream, tags.contains(stream) { return .property(stream: "\(stream)[\(index)]", path: path) }
                if stream == nil, let first = path.first, tags.contains(first), path.count > 1 {
                    return .property(stream: "\(first)[\(index)]", path: Array(path.dropFirst()))
                }
                return nil
            }
        }
        func go(_ p: PatternNode) -> PatternNode { p.renamingTags(tags, index: index) }
        switch self {
        case .atom(let tag, let type, let filter):
            return .atom(
                tag: tag.map { tags.contains($0) ? "\($0)[\(index)]" : $0 },
                type: type,
                filter: filter.map(rename)
            )
        case .interval, .at: return self
        case .followedBy(let a, let b): return .followedBy(go(a), go(b))
        case .and(let xs): return .and(xs.map(go))
        case .or(let xs): return .or(xs.map(go))
        case .not(let x): return .not(go(x))
        case .every(let x): return .every(go(x))
        case .within(let d, let x): return .within(d, go(x))
        case .repeatCount(let n, let x): return .repeatCount(n, go(x))
        }
    }
}
