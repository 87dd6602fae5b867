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

    /// Wall-clock milliseconds since the epoch.
    public static func wallMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
