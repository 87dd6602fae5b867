/// The bounds a runtime enforces, so no statement grows without limit.
public struct RuntimeLimits: Sendable, Hashable {
    /// Most events one statement's window may hold; the oldest is pushed out (and counted) beyond it.
    public var maxWindowEvents: Int
    /// Most groups one statement may keep; events of further groups are not aggregated (and counted).
    public var maxGroups: Int
    /// Most events `insert into` may route while handling one input event (guards against insert loops).
    public var maxRoutedPerEvent: Int
    /// Most live waits one statement's pattern may hold; further instances are dropped (counted, logged).
    public var maxPatternInstances: Int
    /// Most streams one join may have; a larger join is refused when the statement is added, so
    /// planning it stays small (planning is O(streams² × conjuncts)).
    public var maxJoinStreams: Int
    /// Most partitions one context statement may run at once; further starts are refused (counted, logged).
    public var maxContextPartitions: Int
    /// Most rows one table may hold; rows of further keys are refused (counted, logged).
    public var maxTableRows: Int

    /// Limits with the defaults unless given.
    public init(
        maxWindowEvents: Int = 1_000_000,
        maxGroups: Int = 1_000_000,
        maxRoutedPerEvent: Int = 100_000,
        maxPatternInstances: Int = 1_000_000,
        maxJoinStreams: Int = 64,
        maxContextPartitions: Int = 100_000,
        maxTableRows: Int = 1_000_000
    ) {
        self.maxContextPartitions = maxContextPartitions
        self.maxTableRows = maxTableRows
        self.maxJoinStreams = maxJoinStreams
        self.maxWindowEvents = maxWindowEvents
        self.maxGroups = maxGroups
        self.maxRoutedPerEvent = maxRoutedPerEvent
        self.maxPatternInstances = maxPatternInstances
    }
}

/// Counters a runtime keeps (exported by the servers as metrics).
public struct RuntimeStats: Sendable, Hashable {
    /// Events received, by type name (inserted events included).
    public var eventsIn: [String: Int] = [:]
    /// Rows `insert into` could not turn into an event.
    public var insertFailures = 0
    /// Routed events dropped by ``RuntimeLimits/maxRoutedPerEvent``.
    public var routedDropped = 0
    /// Input events of a type the runtime has not declared, dropped.
    public var undeclaredDropped = 0
}

/// Per-statement figures.
public struct StatementInfo: Sendable, Hashable {
    /// What a statement was built from.
    public enum Source: Sendable, Hashable {
        /// A select statement.
        case select(StatementPlan)
        /// An on-merge, on-update, on-delete or on-select statement.
        case on(OnPlan)
        /// An `on ... set` statement assigning variables.
        case variableSet(VariableSetPlan)
        /// An `on ... insert into ... select` split-stream statement.
        case splitStream(SplitStreamPlan)
    }

    /// The statement's name.
    public let name: String
    /// Whether it came from the builder, EPL text or a rule file.
    public let source: Source
    /// The plan of a select statement.
    public var plan: StatementPlan? {
        if case .select(let p) = self.source { return p }
        return nil
    }
    /// Events it received.
    public let eventsIn: Int
    /// Rows it delivered.
    public let rowsOut: Int
    /// Window entries pushed out by the size limit.
    public let windowEvictions: Int
    /// Groups refused by the group limit.
    public let groupOverflows: Int
    /// Groups it holds now.
    public let groups: Int
    /// Live pattern waits.
    public let patternInstances: Int
    /// Pattern instances dropped by ``RuntimeLimits/maxPatternInstances``.
    public let patternInstancesDropped: Int
    /// Context partitions it runs now (a statement of a context).
    public var contextPartitions = 0
    /// Context partitions refused by ``RuntimeLimits/maxContextPartitions``.
    public var contextPartitionsRefused = 0
}
