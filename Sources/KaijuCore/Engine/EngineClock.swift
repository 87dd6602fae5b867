#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where engine time comes from.
public enum EngineClock: Sendable, Hashable {
    /// Time moves only when the caller says so (``Runtime/advance(to:)``) or an event's timestamp is later:
    /// replay and tests, deterministic.
    case virtual(startingAt: Int64)
    /// The system's wall clock in ms; the caller ticks the runtime so timers fire.
    case wall

    /// The latest engine time, 2^53 ms (about 285 000 years after 1970); engine time is kept within
    /// ±this, so adding any time period (at most 9e15 ms) to it cannot overflow.
    public static let maxTime: Int64 = 1 << 53

    /// `time` brought into ±``maxTime``.
    @inlinable
    public static func clamped(_ time: Int64) -> Int64 { min(max(time, -Self.maxTime), Self.maxTime) }

    /// Wall-clock milliseconds since the epoch.
    public static func wallMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
