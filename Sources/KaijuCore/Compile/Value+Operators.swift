/// EPL's operator semantics over ``Value``s: numeric promotion, null propagation, three-valued logic.
///
/// `/` always yields a double (Esper's default); integer `+ - *` wrap on overflow like Java's `long`.
extension Value {
    static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            switch op {
            case .add: return .int(x &+ y)
            case .subtract: return .int(x &- y)
            case .multiply: return .int(x &* y)
            case .divide: return .double(Double(x) / Double(y))
            // Java: Long.MIN_VALUE % -1 is 0 (Swift's % would trap on the overflowing quotient).
            case .modulo: return y == 0 ? .null : y == -1 ? .int(0) : .int(x % y)
            default: return .null
            }
        default:
            guard let x = a.doubleValue, let y = b.doubleValue else { return .null }
            switch op {
            case .add: return .double(x + y)
            case .subtract: return .double(x - y)
            case .multiply: return .double(x * y)
            case .divide: return .double(x / y)
            case .modulo: return y == 0 ? .null : .double(x.truncatingRemainder(dividingBy: y))
            default: return .null
            }
        }
    }

    /// `&`, `|`, `^`: bitwise on two integers, logical on two booleans; null otherwise.
    static func bitwise(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            switch op {
            case .bitAnd: return .int(x & y)
            case .bitOr: return .int(x | y)
            case .bitXor: return .int(x ^ y)
            default: return .null
            }
        case (.bool(let x), .bool(let y)):
            switch op {
            case .bitAnd: return .bool(x && y)
            case .bitOr: return .bool(x || y)
            case .bitXor: return .bool(x != y)
            default: return .null
            }
        default: return .null
        }
    }

    static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        if a.isNull || b.isNull { return .null }
        switch op {
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        default:
            guard let order = Value.eplCompare(a, b) else { return .null }
            switch op {
            case .less: return .bool(order == .orderedAscending)
            case .lessOrEqual: return .bool(order != .orderedDescending)
            case .greater: return .bool(order == .orderedDescending)
            case .greaterOrEqual: return .bool(order != .orderedAscending)
            default: return .null
            }
        }
    }

    static func concat(_ a: Value, _ b: Value) -> Value {
        if a.isNull || b.isNull { return .null }
        return .string(a.displayString + b.displayString)
    }

    /// Whether a filter passes: only `true` does (null and non-bools do not).
    @inlinable var isTrue: Bool {
        if case .bool(true) = self { return true }
        return false
    }
}
