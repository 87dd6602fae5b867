public import KaijuCore

/// An event pattern written as Swift code: `pattern [every m1=Metric(...) -> m2=Metric(...)]` is
/// `every(.event(Metric.self, as: "m1") { ... }).followedBy(.event(Metric.self, as: "m2") { ... })`.
///
/// Precedence needs no rules here: the calls nest as written.
public struct Pattern: Sendable {
    /// The plan node.
    public let node: PatternNode
    /// A pattern of the plan node `node`.
    public init(_ node: PatternNode) { self.node = node }

    /// `tag=Type(filter)`: one event of a typed stream; the filter's closure gets the tag's handle.
    public static func event<T: EventKind>(
        _ type: T.Type,
        as tag: String? = nil,
        where filter: ((Fields<T>) -> Expr<Bool>)? = nil
    ) -> Pattern {
        Pattern(.atom(tag: tag, type: T.eventTypeName, filter: filter?(Fields(alias: tag)).node))
    }

    /// `tag=Type(filter)` for a declared type, read by column name.
    public static func event(
        _ type: String,
        as tag: String? = nil,
        where filter: ((Fields<DynamicEvent>) -> Expr<Bool>)? = nil
    ) -> Pattern {
        Pattern(.atom(tag: tag, type: type, filter: filter?(Fields(alias: tag)).node))
    }

    /// `self -> next`: each match of `self` starts a wait for `next`.
    public func followedBy(_ next: Pattern) -> Pattern { Pattern(.followedBy(self.node, next.node)) }

    /// `self where timer:within(period)`.
    public func within(_ period: TimePeriod) -> Pattern { Pattern(.within(period, self.node)) }

    /// `[n] self`: the pattern n times in sequence.
    public func times(_ n: Int) -> Pattern { Pattern(.repeatCount(n, self.node)) }

    /// `timer:interval(period)`.
    public static func interval(_ period: TimePeriod) -> Pattern { Pattern(.interval(period)) }

    /// `a and b`.
    public static func && (a: Pattern, b: Pattern) -> Pattern { Pattern(.and([a.node, b.node])) }
    /// `a or b`.
    public static func || (a: Pattern, b: Pattern) -> Pattern { Pattern(.or([a.node, b.node])) }
    /// `not a`.
    public static prefix func ! (a: Pattern) -> Pattern { Pattern(.not(a.node)) }
}

/// `every p`: restarts `p` whenever it ends.
public func every(_ p: Pattern) -> Pattern { Pattern(.every(p.node)) }
