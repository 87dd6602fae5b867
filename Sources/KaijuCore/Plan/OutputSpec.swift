/// Output rate limiting: `output [all|first|last] every <period | n events>`.
public struct OutputSpec: Sendable, Hashable {
    /// Which rows a period releases.
    public enum Selection: String, Sendable, Hashable {
        /// Every row, held until the period ends (Esper's default).
        case all
        /// The first row (of each group) at once, then none until the period ends.
        case first
        /// The last row (of each group) when the period ends.
        case last
    }

    /// When a period ends.
    public enum Trigger: Sendable, Hashable {
        /// Every period of engine time, counted from the statement's first result.
        case time(TimePeriod)
        /// After n events entered (or n left) the statement's window.
        case events(Int)
    }

    /// Which rows an output delivers (all, first, last).
    public var selection: Selection
    /// When output happens (a period or an event count).
    public var trigger: Trigger

    /// Output of `selection` rows on `trigger`.
    public init(_ selection: Selection = .all, every trigger: Trigger) {
        self.selection = selection
        self.trigger = trigger
    }
}
