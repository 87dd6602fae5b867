extension TimePeriod {
    /// Parses Esper's time-period forms: `2min`, `1 min`, `10 sec`, `2 minutes`, `500 msec`, `1 hour 30 minutes`,
    /// `1.5 sec`. Returns `nil` for anything else.
    public init?(parsing text: String) {
        var total = 0.0
        var rest = Substring(text.lowercased()).drop { $0 == " " }
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let n = Double(number) else { return nil }
            rest = rest.dropFirst(number.count).drop { $0 == " " }
            let unit = rest.prefix { $0.isLetter }
            guard let scale = Self.unitMilliseconds[String(unit)] else { return nil }
            total += n * scale
            rest = rest.dropFirst(unit.count).drop { $0 == " " }
        }
        guard total.isFinite, total < 9e15 else { return nil }
        self.init(milliseconds: Int64(total.rounded()))
    }

    /// Milliseconds per unit name (`msec`, `sec`, `min`, `minutes`, `hour`, `day`...), lower-case.
    public static let unitMilliseconds: [String: Double] = {
        var table: [String: Double] = [:]
        let units: [([String], Double)] = [
            (["msec", "millisecond", "milliseconds", "ms"], 1),
            (["sec", "second", "seconds", "s"], 1000),
            (["min", "minute", "minutes"], 60_000),
            (["hour", "hours", "h"], 3_600_000),
            (["day", "days"], 86_400_000),
        ]
        for (names, ms) in units { for n in names { table[n] = ms } }
        return table
    }()
}
