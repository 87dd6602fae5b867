/// A length of engine time in milliseconds (`1 min`, `10 sec`).
public struct TimePeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds.
    public var milliseconds: Int64
    /// A period of `milliseconds`.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// `n` milliseconds.
    public static func milliseconds(_ n: Int64) -> TimePeriod { .init(milliseconds: n) }
    /// `n` seconds.
    public static func seconds(_ n: Int64) -> TimePeriod { .init(milliseconds: n * 1000) }
    /// `n` minutes.
    public static func minutes(_ n: Int64) -> TimePeriod { .init(milliseconds: n * 60_000) }
    /// `n` hours.
    public static func hours(_ n: Int64) -> TimePeriod { .init(milliseconds: n * 3_600_000) }
    /// `n` days.
    public static func days(_ n: Int64) -> TimePeriod { .init(milliseconds: n * 86_400_000) }

    /// Whether `a` is shorter than `b`.
    public static func < (a: TimePeriod, b: TimePeriod) -> Bool { a.milliseconds < b.milliseconds }
    /// The period in milliseconds (`60000 msec`).
    public var description: String { "\(self.milliseconds) msec" }
}
