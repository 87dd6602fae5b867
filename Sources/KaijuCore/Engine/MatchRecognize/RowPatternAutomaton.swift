/// A row pattern as a nondeterministic automaton: states that consume one event for a variable, states
/// that split (alternatives, quantifier choices, in order of preference) and the final state.
struct RowPatternAutomaton {
    enum State {
        case consume(variable: Int, next: Int)
        /// Epsilon moves, the preferred first (greedy: repeat before leaving; reluctant: leave first).
        case split([Int])
        case final
    }

    /// The most states a pattern may compile to (bounded quantifiers are written out).
    static let maxStates = 10_000

    private(set) var states: [State] = [.final]
    private(set) var start = 0

    /// The automaton of `pattern`, variables numbered by their position in `variables`.
    init(_ pattern: MatchRecognize.Pattern, variables: [String]) throws(PlanError) {
        self.start = try self.compile(pattern, next: 0, variables)
    }

    private mutating func add(_ s: State) throws(PlanError) -> Int {
        guard self.states.count < Self.maxStates else {
            throw PlanError(.invalid, "the match_recognize pattern is too large (over \(Self.maxStates) states)")
        }
        self.states.append(s)
        return self.states.count - 1
    }

    /// The start state of `p` continuing to `next`.
    private mutating func compile(
        _ p: MatchRecognize.Pattern,
        next: Int,
        _ variables: [String]
    ) throws(PlanError) -> Int {
        switch p {
        case .variable(let v):
            return try self.add(.consume(variable: variables.firstIndex(of: v) ?? 0, next: next))
        case .sequence(let items):
            var n = next
            for item in items.reversed() { n = try self.compile(item, next: n, variables) }
            return n
        case .alternation(let items):
            var starts: [Int] = []
            for item in items { starts.append(try self.compile(item, next: next, variables)) }
            return try self.add(.split(starts))
        case .quantified(let body, let q):
            var n: Int
            if let max = q.max {
                // Optional copies, innermost last: each may be skipped to `next`.
                n = next
                for _ in 0..<(max - q.min) {
                    let copy = try self.compile(body, next: n, variables)
                    n = try self.add(.split(q.greedy ? [copy, next] : [next, copy]))
                }
            } else {
                let loop = try self.add(.split([]))
                let copy = try self.compile(body, next: loop, variables)
                self.states[loop] = .split(q.greedy ? [copy, next] : [next, copy])
                n = loop
            }
            for _ in 0..<q.min { n = try self.compile(body, next: n, variables) }
            return n
        }
    }

    /// The consuming and final states reachable from `s` by epsilon moves, in order of preference.
    func closure(_ s: Int) -> [Int] {
        var out: [Int] = []
        var visited = Set<Int>()
        var stack = [s]
        while let x = stack.popLast() {
            guard visited.insert(x).inserted else { continue }
            switch self.states[x] {
            case .consume, .final: out.append(x)
            case .split(let next): stack.append(contentsOf: next.reversed())
            }
        }
        return out
    }
}
