/// A dynamically typed value: what an event property, an expression or an output column holds.
///
/// Numbers compare and hash across `int` and `double` (`.int(1) == .double(1.0)`), so group-by keys
/// and equality filters behave as in Esper, where a `long` and a `double` of the same magnitude are equal.
///
/// # Usage
/// ```swift
/// let v: Value = ["host": "a", "load": 0.5]
/// v["host"]            // .string("a")
/// Value.int(3) < .double(3.5)   // true
/// ```
public enum Value: Sendable {
    /// No value (EPL's `null`).
    case null
    /// A boolean.
    case bool(Bool)
    /// An integer (EPL's int and long).
    case int(Int64)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([Value])
    /// A map with string keys, sorted by key.
    case object(ValueMap)
}

extension Value {
    /// Whether this is `.null`.
    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as a `Double` when it is a number, else `nil`.
    @inlinable public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The value as an `Int64` when it is an integer, or a double with an exact integer value.
    @inlinable public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d):
            guard let i = Int64(exactly: d) else { return nil }
            return i
        default: return nil
        }
    }

    /// The string when this is `.string`, else `nil`.
    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The bool when this is `.bool`, else `nil`.
    @inlinable public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The map when this is `.object`, else `nil`.
    @inlinable public var objectValue: ValueMap? {
        if case .object(let m) = self { return m }
        return nil
    }

    /// The elements when this is `.array`, else `nil`.
    @inlinable public var arrayValue: [Value]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// Whether this is `.int` or `.double`.
    @inlinable public var isNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }

    /// Looks a key up when this is an object; `.null` otherwise or when absent.
    @inlinable public subscript(key: String) -> Value {
        if case .object(let m) = self { return m[key] ?? .null }
        return .null
    }

    /// The text EPL's `toString()` gives: strings as they are, other values as JSON.
    public var displayString: String {
        switch self {
        case .string(let s): return s
        case .null: return "null"
        default: return self.jsonString
        }
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` is `.null`.
    public init(nilLiteral: ()) { self = .null }
    /// A bool literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// A floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    /// A map literal.
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(ValueMap(elements.map { ValueMap.Entry(key: $0.0, value: $0.1) }))
    }
}

extension Value: CustomStringConvertible {
    /// The value as JSON.
    public var description: String { self.jsonString }
}
