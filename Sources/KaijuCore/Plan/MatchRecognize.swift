/// `match_recognize (...)` after a stream: row patterns over each partition's events in arrival order,
/// one output row (of the measures) per match.
public struct MatchRecognize: Sendable, Hashable {
    /// A row pattern: variables, in sequence, alternatives, quantified.
    public indirect enum Pattern: Sendable, Hashable {
        /// One event the variable's `define` condition accepts (any event when it has none).
        case variable(String)
        /// Each in turn.
        case sequence([Pattern])
        /// The first alternative that leads to a match (`A | B`).
        case alternation([Pattern])
        /// `p*`, `p+`, `p?` (greedy, or reluctant with a trailing `?`).
        case quantified(Pattern, Quantifier)

        /// The variables, in order of first appearance.
        public var variables: [String] {
            var out: [String] = []
            func walk(_ p: Pattern) {
                switch p {
                case .variable(let v): if !out.contains(v) { out.append(v) }
                case .sequence(let ps), .alternation(let ps): for q in ps { walk(q) }
                case .quantified(let q, _): walk(q)
                }
            }
            walk(self)
            return out
        }

        /// The variables that can match more than one event (inside `*` or `+`).
        public var repeatedVariables: Set<String> {
            var out: Set<String> = []
            func walk(_ p: Pattern, repeated: Bool) {
                switch p {
                case .variable(let v): if repeated { out.insert(v) }
                case .sequence(let ps), .alternation(let ps): for q in ps { walk(q, repeated: repeated) }
                case .quantified(let q, let k): walk(q, repeated: repeated || k.max == nil)
                }
            }
            walk(self, repeated: false)
            return out
        }
    }

    /// How often a quantified pattern repeats.
    public struct Quantifier: Sendable, Hashable {
        /// Fewest repetitions.
        public var min: Int
        /// Most repetitions (`nil`: no bound).
        public var max: Int?
        /// Whether more repetitions are preferred (`*`, `+`, `?`) or fewer (`*?`, `+?`, `??`).
        public var greedy: Bool

        /// `min` to `max` repetitions, greedy or reluctant.
        public init(min: Int, max: Int?, greedy: Bool = true) {
            self.min = min
            self.max = max
            self.greedy = greedy
        }
    }

    /// `V as condition`: which events variable `V` accepts.
    public struct Define: Sendable, Hashable {
        /// The variable.
        public var variable: String
        /// The condition, reading the candidate as `V` and earlier variables' events by their names.
        public var condition: ExprNode

        /// `variable as condition`.
        public init(_ variable: String, _ condition: ExprNode) {
            self.variable = variable
            self.condition = condition
        }
    }

    /// Where the search resumes after a match.
    public enum Skip: Sendable, Hashable {
        /// After the match's last event (the default): matches do not overlap.
        case pastLastRow
        /// After the match's first event.
        case toNextRow
        /// At the match's last event.
        case toCurrentRow
    }

    /// `partition by`: patterns are matched per distinct value of these.
    public var partitionBy: [ExprNode] = []
    /// `measures expr as name, ...`: the output row's columns.
    public var measures: [StatementPlan.SelectItem] = []
    /// `all matches`: every way of matching is reported, not only the preferred one.
    public var allMatches = false
    /// `after match skip ...`.
    public var skip: Skip = .pastLastRow
    /// The row pattern.
    public var pattern: Pattern
    /// `define V as condition, ...`.
    public var defines: [Define] = []
    /// `interval d`: a match is reported when `d` has passed since its first event (its longest form
    /// by then), not as soon as it completes.
    public var interval: TimePeriod?
    /// `interval d or terminated`: also reported when it can no longer grow, if that comes first.
    public var orTerminated = false

    /// A match_recognize of `pattern`.
    public init(pattern: Pattern) {
        self.pattern = pattern
    }
}
