/// One stream of a statement's `from` clause: where events come from, the name they go by, and the
/// data windows that retain them.
public struct StreamSpec: Sendable, Hashable {
    /// What feeds the stream.
    public enum Input: Sendable, Hashable {
        /// Events of a type (and its subtypes) passing `filter`: `Metric(name='cpu')`.
        case type(String, filter: ExprNode?)
        /// The matches of an event pattern: `pattern [every a=A -> b=B]`.
        case pattern(PatternNode)
        /// One row per element of a contained list: `Batch[select process as p, * from spans as s]`.
        case contained(String, filter: ExprNode?, ContainedSelection)
    }

    /// What the stream reads: a type, a pattern or a contained selection.
    public var input: Input
    /// `as name`: how expressions refer to the stream.
    public var alias: String?
    /// The stream's data windows.
    public var windows: [WindowSpec]
    /// `unidirectional`: in a join, only this stream's events trigger joining (and its events are not kept).
    public var unidirectional = false
    /// `left|right|full outer join ... on condition`: how this stream joins the one before it.
    public var outerJoin: OuterJoin?
    /// `match_recognize (...)`: the stream's events matched against a row pattern; the stream's rows are
    /// the matches' measures.
    public var matchRecognize: MatchRecognize?

    /// An outer join of a stream with the one before it.
    public struct OuterJoin: Sendable, Hashable {
        /// Which side keeps its events when nothing matches.
        public enum Kind: String, Sendable, Hashable {
            /// The stream before (left) keeps its unmatched events, with nulls for this one.
            case left
            /// This stream (right) keeps its unmatched events.
            case right
            /// Both do.
            case full
        }
        /// Which side keeps its unmatched events.
        public var kind: Kind
        /// The join condition.
        public var on: ExprNode
        /// `kind outer join ... on condition`.
        public init(_ kind: Kind, on: ExprNode) {
            self.kind = kind
            self.on = on
        }
    }

    /// A stream reading `input`, named `alias`, through `windows`.
    public init(_ input: Input, alias: String? = nil, windows: [WindowSpec] = []) {
        self.input = input
        self.alias = alias
        self.windows = windows
    }

    /// A stream of a type.
    public static func type(
        _ name: String,
        filter: ExprNode? = nil,
        alias: String? = nil,
        windows: [WindowSpec] = []
    ) -> StreamSpec {
        StreamSpec(.type(name, filter: filter), alias: alias, windows: windows)
    }
}

/// Esper's contained-event selection `Type[select items from property as alias]`: each element of a
/// list property becomes one row, carrying values of the containing event.
public struct ContainedSelection: Sendable, Hashable {
    /// The list property whose elements become rows (`spans`).
    public var property: String
    /// The elements' alias (`s`).
    public var alias: String?
    /// `*` (the element's properties) and `expr as name` read from the containing event (`process as p`).
    public var items: [StatementPlan.SelectItem]

    /// A contained-event selection over `property` (`Batch[select ... from spans]`).
    public init(property: String, alias: String? = nil, items: [StatementPlan.SelectItem] = [.wildcard]) {
        self.property = property
        self.alias = alias
        self.items = items
    }
}
