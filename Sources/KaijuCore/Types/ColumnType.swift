/// The declared type of an event column (`create schema X(a string, b double)`).
public enum ColumnType: String, Sendable, Hashable, CaseIterable {
    /// Any value; then the scalar, map and array types of EPL and `events.txt`.
    case any, bool, int, long, float, double, string, map, array

    /// Parses a type name as EPL and `events.txt` write it (`String`, `long`, `Integer`, `float`...), Java's
    /// package-qualified spellings (`java.lang.Integer`, `java.util.Map`) included.
    public init?(name: String) {
        var lowered = name.lowercased()
        for package in ["java.lang.", "java.util.", "java.math."] where lowered.hasPrefix(package) {
            lowered.removeFirst(package.count)
        }
        switch lowered {
        case "string": self = .string
        case "int", "integer", "short", "byte": self = .int
        case "long", "biginteger": self = .long
        case "float": self = .float
        case "double", "bigdecimal", "number": self = .double
        case "bool", "boolean": self = .bool
        case "map", "object": self = .map
        case "array": self = .array
        case "any": self = .any
        default: return nil
        }
    }

    /// Converts a value to this type, as an `insert into` or a cast does; `.null` when it cannot.
    public func coerce(_ v: Value) -> Value {
        if v.isNull { return .null }
        switch self {
        case .any: return v
        case .string:
            return .string(v.displayString)
        case .int, .long:
            switch v {
            case .int: return v
            case .double(let d): return d.isFinite && abs(d) < 9.2e18 ? .int(Int64(d)) : .null
            case .string(let s):
                return Int64(s).map(Value.int) ?? Double(s).flatMap { $0.isFinite ? Value.int(Int64($0)) : nil }
                    ?? .null
            case .bool(let b): return .int(b ? 1 : 0)
            default: return .null
            }
        case .float, .double:
            switch v {
            case .double: return v
            case .int(let i): return .double(Double(i))
            case .string(let s): return Double(s).map(Value.double) ?? .null
            default: return .null
            }
        case .bool:
            switch v {
            case .bool: return v
            case .string(let s):
                return s.lowercased() == "true" ? .bool(true) : (s.lowercased() == "false" ? .bool(false) : .null)
            default: return .null
            }
        case .map: return v.objectValue != nil ? v : .null
        case .array: return v.arrayValue != nil ? v : .null
        }
    }
}

/// A named, typed column of an event type.
public struct Column: Sendable, Hashable {
    /// The column's name.
    public var name: String
    /// The column's type.
    public var type: ColumnType
    /// For an array of events (`lines Line[]`), the declared type of its elements.
    public var elementType: String?
    /// A column `name` of `type` (an array of `elementType` events, when given).
    public init(_ name: String, _ type: ColumnType, elementType: String? = nil) {
        self.name = name
        self.type = type
        self.elementType = elementType
    }
}
