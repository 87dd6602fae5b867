/// `create context Name ...`: how statements declared `context Name select ...` are split into context
/// partitions, each running its own copy of the statement (own windows, aggregates, patterns).
public struct ContextDeclaration: Sendable, Hashable {
    /// How a context splits its statements.
    public enum Kind: Sendable, Hashable {
        /// `partition by k1 [and k2 ...] from Type[(filter)], ... [terminated by condition]`: one partition
        /// per distinct key, created by the first event of that key; a terminating event ends the
        /// partition of its key.
        case keyed([KeyedStream], terminatedBy: ContextCondition?)
        /// `group by condition as label, ... from Type[(filter)]`: one partition per category, created at
        /// once; an event goes to every category whose condition holds.
        case category([Category], type: String, filter: ExprNode?)
        /// `start A end B` (one partition at a time) or `initiated by A terminated by B` (a new partition
        /// for every start, overlapping): a partition lives from its start condition to its end condition.
        case temporal(start: ContextCondition, end: ContextCondition, overlapping: Bool)
        /// `context A ..., context B ...`: partitions of `B` inside each partition of `A` (and so on); a
        /// statement reads each level's properties as `context.A.key1`, `context.B.id`.
        case nested([ContextDeclaration])
    }

    /// One `keys from Type[(filter)]` of a keyed context.
    public struct KeyedStream: Sendable, Hashable {
        /// The key expressions, read from the type's events (`context.key1`, `context.key2`, ...).
        public var keys: [ExprNode]
        /// The event type partitioned.
        public var type: String
        /// Which of its events the context takes.
        public var filter: ExprNode?

        /// `keys from type(filter)`.
        public init(keys: [ExprNode], type: String, filter: ExprNode? = nil) {
            self.keys = keys
            self.type = type
            self.filter = filter
        }
    }

    /// One `group by condition as label`.
    public struct Category: Sendable, Hashable {
        /// Which events belong to the category.
        public var condition: ExprNode
        /// Its name (`context.label`).
        public var label: String

        /// A category `label` of the events meeting `condition`.
        public init(_ condition: ExprNode, label: String) {
            self.condition = condition
            self.label = label
        }
    }

    /// The context's name.
    public var name: String
    /// How it splits statements.
    public var kind: Kind

    /// A context `name` of `kind`.
    public init(_ name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// When a context partition starts or ends.
public enum ContextCondition: Sendable, Hashable {
    /// `@now`: at once (a start/end context's next partition starts as soon as the previous one ends).
    case now
    /// `after d`: d after the partition started (an end), or after the context was created (a start).
    case after(TimePeriod)
    /// `(minutes, hours, ...)`: at the crontab schedule's next time (UTC).
    case crontab(Crontab)
    /// `Type[(filter)] [as alias]`: an event. An end's filter may read the starting event by its alias
    /// (`terminated by Login(user = f.user)`); statements read it as `context.alias`.
    case filter(type: String, filter: ExprNode?, alias: String?)
    /// `pattern [...]`: when the pattern matches; statements read its tags as `context.tag`.
    case pattern(PatternNode)
}
