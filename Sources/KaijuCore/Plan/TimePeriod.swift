/// A length of engine time in milliseconds (`1 min`, `10 sec`).
public struct TimePeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds.
    public var milliseconds: Int64
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func milliseconds(_ n: Int64) -> TimePeriod { .init(milliseconds: n) }
    public static func seconds(_ n: Int64) -> TimePeriod { .init(milliseconds: n * 1000) }
    public static func minutes(_ n: Int64) -> TimePeriod { .init(milliseconds: n * 60_000) }
    public static func hours(_ n: Int64) -> TimePeriod { .init(milliseconds: n * 3_600_000) }
    public static func days(_ n: Int64) -> TimePeriod { .init(milliseconds: n * 86_400_000) }

    public static func < (a: TimePeriod, b: TimePeriod) -> Bool { a.milliseconds < b.milliseconds }
    public var description: String { "\(self.milliseconds) msec" }
}
