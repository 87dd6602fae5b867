/// Equality, hashing and ordering with numeric promotion.
extension Value: Equatable, Hashable, Comparable {
    /// Whether two values are equal; numbers compare by value (`.int(1) == .double(1)`).
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)): return Double(a) == b && Int64(exactly: b) == a
        case (.double(let a), .int(let b)): return a == Double(b) && Int64(exactly: a) == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    /// Hashes consistently with `==` (equal numbers hash alike).
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let b):
            hasher.combine(1 as UInt8)
            hasher.combine(b)
        case .int(let i):
            hasher.combine(2 as UInt8)
            hasher.combine(i)
        case .double(let d):
            if let i = Int64(exactly: d) {
                hasher.combine(2 as UInt8)
                hasher.combine(i)
            } else {
                hasher.combine(3 as UInt8)
                hasher.combine(d)
            }
        case .string(let s):
            hasher.combine(4 as UInt8)
            hasher.combine(s)
        case .array(let a):
            hasher.combine(5 as UInt8)
            hasher.combine(a)
        case .object(let m):
            hasher.combine(6 as UInt8)
            hasher.combine(m)
        }
    }

    /// A total order used for sorting and min/max state: null < bool < number < string < array < object.
    public static func < (lhs: Value, rhs: Value) -> Bool {
        let (l, r) = (lhs.rank, rhs.rank)
        if l != r { return l < r }
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return !a && b
        case (.string(let a), .string(let b)): return a < b
        case (.array(let a), .array(let b)): return a.lexicographicallyPrecedes(b)
        case (.object(let a), .object(let b)):
            return a.entries.lexicographicallyPrecedes(b.entries) {
                ($0.key, $0.value) < ($1.key, $1.value)
            }
        default:
            return Value.compareNumbers(lhs, rhs) == .orderedAscending
        }
    }

    private var rank: Int {
        switch self {
        case .null: return 0
        case .bool: return 1
        case .int, .double: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        }
    }

    /// Compares two numbers exactly, also across `int` and `double`.
    static func compareNumbers(_ lhs: Value, _ rhs: Value) -> ComparisonOrder? {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b ? .orderedAscending : (a == b ? .orderedSame : .orderedDescending)
        case (.double(let a), .double(let b)): return ComparisonOrder(a, b)
        case (.int(let a), .double(let b)): return ComparisonOrder(Double(a), b)
        case (.double(let a), .int(let b)): return ComparisonOrder(a, Double(b))
        default: return nil
        }
    }

    /// EPL's comparison: numbers with numbers, strings with strings, bools with bools; otherwise `nil` (unknown).
    public static func eplCompare(_ lhs: Value, _ rhs: Value) -> ComparisonOrder? {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)):
            return a < b ? .orderedAscending : (a == b ? .orderedSame : .orderedDescending)
        case (.bool(let a), .bool(let b)): return a == b ? .orderedSame : (!a ? .orderedAscending : .orderedDescending)
        default: return compareNumbers(lhs, rhs)
        }
    }
}

/// The outcome of comparing two values.
public enum ComparisonOrder: Sendable, Equatable {
    /// How two values order.
    case orderedAscending, orderedSame, orderedDescending

    init?(_ a: Double, _ b: Double) {
        if a < b {
            self = .orderedAscending
        } else if a > b {
            self = .orderedDescending
        } else if a == b {
            self = .orderedSame
        } else {
            return nil  // NaN
        }
    }
}
