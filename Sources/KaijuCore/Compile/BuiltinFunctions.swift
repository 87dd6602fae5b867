/// The single-row functions statements can call, by lower-cased name.
///
/// Methods written on a value (`s.contains('x')`, `x.toString()`) reach here with the receiver as the first argument.
enum BuiltinFunction: Sendable {
    case unary(@Sendable (Value) -> Value)
    case binary(@Sendable (Value, Value) -> Value)
    case ternary(@Sendable (Value, Value, Value) -> Value)
    case variadic(minArity: Int, @Sendable ([Value]) -> Value)

    var arity: ClosedRange<Int> {
        switch self {
        case .unary: return 1...1
        case .binary: return 2...2
        case .ternary: return 3...3
        case .variadic(let min, _): return min...Int.max
        }
    }

    static func named(_ name: String) -> BuiltinFunction? { table[name.lowercased()] }

    static let names: [String] = table.keys.sorted()

    /// Java's `Math.round(double)`: the closest long, ties toward positive infinity, NaN → 0, and values
    /// beyond the long range clamped to `Long.MIN_VALUE` / `Long.MAX_VALUE`.
    static func javaRound(_ d: Double) -> Int64 {
        guard !d.isNaN else { return 0 }
        let floor = d.rounded(.down)
        let r = d - floor >= 0.5 ? floor + 1 : floor
        guard r < 9.223372036854775807e18 else { return .max }
        guard r >= -9.223372036854775808e18 else { return .min }
        return Int64(r)
    }

    private static func string(_ f: @escaping @Sendable (String, String) -> Bool) -> BuiltinFunction {
        .binary { a, b in
            guard case .string(let s) = a, case .string(let t) = b else { return .null }
            return .bool(f(s, t))
        }
    }

    /// The argument every other one is `order` of (the greatest for `.orderedDescending`), null with a null.
    private static func extreme(_ args: [Value], _ order: ComparisonOrder) -> Value {
        var best = args[0]
        var allInts = true
        for v in args {
            guard !v.isNull else { return .null }
            if case .int = v {} else { allInts = false }
            if Value.eplCompare(v, best) == order { best = v }
        }
        if allInts { return best }
        return best.doubleValue.map { .double($0) } ?? best
    }

    /// Whether `x` lies between `a` and `b` inclusive (in either order); nil when any is null or they do not compare.
    private static func between(_ x: Value, _ a: Value, _ b: Value) -> Bool? {
        guard let xa = Value.eplCompare(x, a), let xb = Value.eplCompare(x, b), let ab = Value.eplCompare(a, b) else {
            return nil
        }
        let (low, high) = ab == .orderedDescending ? (xb, xa) : (xa, xb)
        return low != .orderedAscending && high != .orderedDescending
    }

    private static func math(_ f: @escaping @Sendable (Double) -> Double) -> BuiltinFunction {
        .unary { v in v.doubleValue.map { .double(f($0)) } ?? .null }
    }

    private static let table: [String: BuiltinFunction] = [
        "contains": .binary { a, b in
            switch (a, b) {
            case (.string(let s), .string(let t)): return .bool(s.contains(t))
            case (.array(let items), _): return .bool(items.contains(b))
            case (.object(let m), .string(let k)): return .bool(m[k] != nil)
            default: return .null
            }
        },
        "startswith": string { $0.hasPrefix($1) },
        "isnull": .unary { .bool($0.isNull) },
        "endswith": string { $0.hasSuffix($1) },
        "containskey": .binary { a, b in
            guard case .object(let m) = a, case .string(let k) = b else { return .null }
            return .bool(m[k] != nil)
        },
        "tolowercase": .unary { v in v.stringValue.map { .string($0.lowercased()) } ?? .null },
        "touppercase": .unary { v in v.stringValue.map { .string($0.uppercased()) } ?? .null },
        "lower": .unary { v in v.stringValue.map { .string($0.lowercased()) } ?? .null },
        "upper": .unary { v in v.stringValue.map { .string($0.uppercased()) } ?? .null },
        "trim": .unary { v in
            guard case .string(let s) = v else { return .null }
            return .string(String(s.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()))
        },
        "length": .unary { v in
            switch v {
            case .string(let s): return .int(Int64(s.count))
            case .array(let a): return .int(Int64(a.count))
            case .object(let m): return .int(Int64(m.count))
            default: return .null
            }
        },
        "tostring": .unary { v in v.isNull ? .null : .string(v.displayString) },
        "substring": .variadic(minArity: 2) { args in
            guard case .string(let s) = args[0], let from = args[1].intValue else { return .null }
            let chars = Array(s)
            let to = args.count > 2 ? (args[2].intValue ?? Int64(chars.count)) : Int64(chars.count)
            guard from >= 0, from <= to, to <= Int64(chars.count) else { return .null }
            return .string(String(chars[Int(from)..<Int(to)]))
        },
        // `x in (a, b, ...)`: true on the first equal item; null when x is null, or when no item is equal
        // and one is null (the three-valued `or` of the equalities); false otherwise.
        "in": .variadic(minArity: 2) { args in
            guard let left = args.first, !left.isNull else { return .null }
            var sawNull = false
            for item in args.dropFirst() {
                switch Value.compare(.equal, left, item) {
                case .bool(true): return .bool(true)
                case .null: sawNull = true
                default: continue
                }
            }
            return sawNull ? .null : .bool(false)
        },
        // `max(a, b, ...)`, `min(a, b, ...)`: null when any is null; a long when all are, a double otherwise.
        "max": .variadic(minArity: 2) { args in extreme(args, .orderedDescending) },
        "min": .variadic(minArity: 2) { args in extreme(args, .orderedAscending) },
        // `x [not] between a and b`: inclusive, the bounds in either order; false when any operand is null.
        "between": .ternary { x, a, b in between(x, a, b).map { .bool($0) } ?? .bool(false) },
        "notbetween": .ternary { x, a, b in between(x, a, b).map { .bool(!$0) } ?? .bool(false) },
        "coalesce": .variadic(minArity: 1) { args in args.first { !$0.isNull } ?? .null },
        // `cast(x, type)`: the EPL front end passes the type as its `ColumnType` name.
        "cast": .binary { v, type in
            guard case .string(let name) = type, let t = ColumnType(rawValue: name) else { return .null }
            return t.coerce(v)
        },
        // `s like 'A%'`: SQL's pattern (`%` any run, `_` one character), the whole string; null with a null operand.
        "like": .binary { v, pattern in
            guard case .string(let s) = v, case .string(let p) = pattern else { return .null }
            return .bool(SQLLikePattern.matches(Array(s.unicodeScalars), Array(p.unicodeScalars)))
        },
        "abs": .unary { v in
            switch v {
            case .int(let i): return .int(i == .min ? i : Swift.abs(i))
            case .double(let d): return .double(Swift.abs(d))
            default: return .null
            }
        },
        "sqrt": math { $0.squareRoot() },
        // Jaeger ids: `traceIdToHex(high, low)` and Java's `Long.toHexString(n)` (two's complement bits).
        "traceidtohex": .binary { high, low in
            guard let h = high.intValue, let l = low.intValue else { return .null }
            return .string(JaegerIDs.traceIDHex(high: h, low: l))
        },
        "tohexstring": .unary { v in v.intValue.map { .string(JaegerIDs.hex(UInt64(bitPattern: $0))) } ?? .null },
        "floor": math { $0.rounded(.down) },
        "ceil": math { $0.rounded(.up) },
        "round": .unary { v in
            switch v {
            case .int: return v
            case .double(let d): return .int(Self.javaRound(d))
            default: return .null
            }
        },
        "pow": .binary { a, b in
            guard let x = a.doubleValue, let y = b.doubleValue else { return .null }
            var r = 1.0
            if y == y.rounded(), Swift.abs(y) < 64 {
                for _ in 0..<Int(Swift.abs(y)) { r *= x }
                return .double(y < 0 ? 1 / r : r)
            }
            return .double(Double.nan)
        },
    ]
}

extension ExprNode {
    /// Whether `name` is a built-in single-row function (`contains`, `sqrt`, `traceIdToHex`...), case-insensitive.
    public static func isBuiltinFunction(_ name: String) -> Bool { BuiltinFunction.named(name) != nil }
}
