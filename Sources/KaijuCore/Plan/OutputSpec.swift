/// Output rate limiting: `output [all|first|last|snapshot] (every <period | n events> | at (crontab) | when
/// condition)`, optionally `output after <period | n events>` before it (or alone).
public struct OutputSpec: Sendable, Hashable {
    /// Which rows a period releases.
    public enum Selection: String, Sendable, Hashable {
        /// Every row, held until the period ends (Esper's default); with `group by`, every group's current row.
        case all
        /// The first row (of each group) at once, then none until the period ends.
        case first
        /// The last row (of each group) when the period ends.
        case last
        /// The statement's whole current result when the period ends (every group, every event in the window).
        case snapshot
    }

    /// When a period ends.
    public enum Trigger: Sendable, Hashable {
        /// Every period of engine time, counted from the first update that reaches the statement's output.
        case time(TimePeriod)
        /// After n events entered (or n left) the statement's window; per group for `first` with `group by`.
        case events(Int)
        /// At the times a crontab schedule names (UTC).
        case crontab(Crontab)
        /// When the condition holds, evaluated as events arrive; it reads `count_insert` and `count_remove`
        /// (events entered and left since the last output) and `last_output_timestamp`.
        case when(ExprNode)
        /// `when terminated`: when the statement's context partition ends.
        case terminated
    }

    /// How long output is suppressed after the statement is added: a period, or a number of events.
    public enum Delay: Sendable, Hashable {
        /// Output starts this long after the statement was added.
        case time(TimePeriod)
        /// Output starts with the event after the first n.
        case events(Int)
    }

    /// Which rows an output delivers.
    public var selection: Selection
    /// When output happens; `nil` with only a ``after`` delay (rows go out as produced once it passed).
    public var trigger: Trigger?
    /// Output suppressed until this passed (`output after ...`).
    public var after: Delay?

    /// Output of `selection` rows on `trigger`.
    public init(_ selection: Selection = .all, every trigger: Trigger, after: Delay? = nil) {
        self.selection = selection
        self.trigger = trigger
        self.after = after
    }

    /// Rows as produced, once `after` has passed (`output after 10 sec`).
    public init(after: Delay) {
        self.selection = .all
        self.trigger = nil
        self.after = after
    }
}
