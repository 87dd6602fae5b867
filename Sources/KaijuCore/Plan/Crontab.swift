/// A crontab schedule as Esper writes it: `(minutes, hours, days of month, months, days of week [, seconds])`,
/// each field `*`, a number, `*/step`, a range `low:high`, or a list `[a, b, ...]` of those; evaluated in UTC.
public struct Crontab: Sendable, Hashable {
    /// The allowed values of each field: minutes 0–59, hours 0–23, days 1–31, months 1–12, weekdays
    /// 0–6 (Sunday 0), seconds 0–59.
    public let minutes, hours, days, months, weekdays, seconds: Set<Int>

    /// One field of a schedule.
    public enum Field: Sendable, Hashable {
        /// Any value.
        case any
        /// One value.
        case value(Int)
        /// Every `step`-th value from the field's lowest.
        case step(Int)
        /// The values from `low` through `high`.
        case range(Int, Int)
        /// The union of the fields.
        case list([Field])
    }

    /// Why a schedule is refused.
    public struct Invalid: Error, Sendable, Hashable {
        /// What is wrong.
        public let message: String
    }

    /// A schedule of five fields (seconds 0) or six.
    /// - Throws: ``Invalid`` when a field count or value is out of range.
    public init(_ fields: [Field]) throws(Invalid) {
        guard fields.count == 5 || fields.count == 6 else {
            throw Invalid(message: "a crontab schedule has 5 or 6 fields, not \(fields.count)")
        }
        let bounds = [0...59, 0...23, 1...31, 1...12, 0...6, 0...59]
        var sets: [Set<Int>] = []
        for (i, f) in (fields + (fields.count == 5 ? [.value(0)] : [])).enumerated() {
            sets.append(try Self.values(f, in: bounds[i]))
        }
        (self.minutes, self.hours, self.days, self.months, self.weekdays, self.seconds) =
            (sets[0], sets[1], sets[2], sets[3], sets[4], sets[5])
    }

    private static func values(_ f: Field, in bounds: ClosedRange<Int>) throws(Invalid) -> Set<Int> {
        switch f {
        case .any: return Set(bounds)
        case .value(let v):
            guard bounds.contains(v) else { throw Invalid(message: "\(v) is outside \(bounds)") }
            return [v]
        case .step(let s):
            guard s > 0 else { throw Invalid(message: "a step must be positive") }
            return Set(stride(from: bounds.lowerBound, through: bounds.upperBound, by: s))
        case .range(let a, let b):
            guard bounds.contains(a), bounds.contains(b), a <= b else {
                throw Invalid(message: "\(a):\(b) is not a range within \(bounds)")
            }
            return Set(a...b)
        case .list(let items):
            var out = Set<Int>()
            for item in items { out.formUnion(try values(item, in: bounds)) }
            return out
        }
    }

    /// The first time (ms since the epoch, UTC) after `time` that the schedule names; nil when none
    /// within eight years.
    public func next(after time: Int64) -> Int64? {
        var second = time >= 0 ? time / 1000 + 1 : (time + 1) / 1000  // the next whole second after `time`
        let limit = second + 8 * 366 * 86_400
        while second < limit {
            let day = second >= 0 ? second / 86_400 : (second - 86_399) / 86_400
            let (_, month, dayOfMonth) = Self.civil(fromDays: day)
            let weekday = Int((day % 7 + 11) % 7)  // 1970-01-01 was a Thursday (4)
            guard self.months.contains(month), self.days.contains(dayOfMonth), self.weekdays.contains(weekday) else {
                second = (day + 1) * 86_400
                continue
            }
            let inDay = second - day * 86_400
            let hour = Int(inDay / 3600)
            guard self.hours.contains(hour) else {
                second = day * 86_400 + Int64(hour + 1) * 3600
                continue
            }
            let minute = Int(inDay % 3600 / 60)
            guard self.minutes.contains(minute) else {
                second = day * 86_400 + Int64(hour) * 3600 + Int64(minute + 1) * 60
                continue
            }
            if self.seconds.contains(Int(inDay % 60)) { return second * 1000 }
            second += 1
        }
        return nil
    }

    /// Year, month (1–12) and day (1–31) of a day number counted from 1970-01-01 (Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
