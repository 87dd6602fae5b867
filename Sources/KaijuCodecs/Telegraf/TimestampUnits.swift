/// The unit of Telegraf JSON `timestamp`s (`json_timestamp_units`); Kaiju keeps milliseconds.
public enum TimestampUnits: String, Sendable, CaseIterable {
    /// Guess from the magnitude: below 1e11 seconds, below 1e14 ms, below 1e17 µs, else ns.
    case auto
    /// Seconds, milliseconds, microseconds, nanoseconds.
    case s, ms, us, ns

    /// Converts a raw timestamp to milliseconds (rounding down, so a time before 1970 stays in its millisecond).
    @inline(__always)
    public func milliseconds(_ raw: Int64) -> Int64 {
        switch self {
        case .s: return raw.multipliedReportingOverflow(by: 1000).overflow ? raw : raw * 1000
        case .ms: return raw
        case .us: return Self.floorDivide(raw, 1000)
        case .ns: return Self.floorDivide(raw, 1_000_000)
        case .auto:
            let m = raw.magnitude
            if m < 100_000_000_000 { return raw * 1000 }
            if m < 100_000_000_000_000 { return raw }
            if m < 100_000_000_000_000_000 { return Self.floorDivide(raw, 1000) }
            return Self.floorDivide(raw, 1_000_000)
        }
    }

    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }
}
