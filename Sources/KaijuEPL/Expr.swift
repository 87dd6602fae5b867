public import KaijuCore

/// A typed expression of the query builder: a plan node whose Swift type `T` the compiler checks
/// (a `String` property compares with strings, `avg` takes numbers).
public struct Expr<T>: Sendable, ExprConvertible {
    /// The plan node.
    public let node: ExprNode
    /// An expression of the plan node `node`.
    public init(_ node: ExprNode) { self.node = node }
    /// The plan node.
    public var exprNode: ExprNode { self.node }

    /// Names the expression as an output column: `avg(m.fields["x"]).as("mean")`.
    public func `as`(_ name: String) -> SelectItem { SelectItem(.expression(self.node, name: name)) }
}

/// Anything the builder can place where an expression goes.
public protocol ExprConvertible: Sendable {
    var exprNode: ExprNode { get }
}

/// One select-list item of the builder.
public struct SelectItem: Sendable {
    /// The select item.
    public let item: StatementPlan.SelectItem
    init(_ item: StatementPlan.SelectItem) { self.item = item }
    /// `*`: every property of the event.
    public static var all: SelectItem { SelectItem(.wildcard) }
}

/// A constant expression.
public func lit<T: ValueConvertible>(_ value: T) -> Expr<T> { Expr(.literal(value.kaijuValue)) }

/// Engine time in ms (`current_timestamp()`; also what `java.time.Instant.now().toEpochMilli()` maps to).
public func currentTimestamp() -> Expr<Int64> { Expr(.currentTimestamp) }

/// Builds a map value: `new { container = ..., highUsage = ... }`.
public func newMap(_ entries: KeyValuePairs<String, any ExprConvertible>) -> Expr<ValueMap> {
    Expr(.newMap(entries.map { ExprNode.MapEntry($0.key, $0.value.exprNode) }))
}

// MARK: - Maps, nested values, strings

extension Expr where T == ValueMap {
    /// The value under `key` (EPL's mapped property `tags('key')`).
    public subscript(key: String) -> Expr<Value> { Expr<Value>(.mapGet(self.node, .literal(.string(key)))) }
}

extension Expr where T == Value {
    /// The value under `key` of a map value.
    public subscript(key: String) -> Expr<Value> { Expr<Value>(.mapGet(self.node, .literal(.string(key)))) }
}

extension Expr where T: StringLikeValue {
    /// Whether the string contains `s`.
    public func contains(_ s: String) -> Expr<Bool> {
        Expr<Bool>(.call("contains", [self.node, .literal(.string(s))]))
    }
    /// Whether the string starts with `s`.
    public func startsWith(_ s: String) -> Expr<Bool> {
        Expr<Bool>(.call("startsWith", [self.node, .literal(.string(s))]))
    }
    /// Whether the string ends with `s`.
    public func endsWith(_ s: String) -> Expr<Bool> {
        Expr<Bool>(.call("endsWith", [self.node, .literal(.string(s))]))
    }
    /// The string in lower case.
    public func lowercased() -> Expr<String> { Expr<String>(.call("toLowerCase", [self.node])) }
    /// The string in upper case.
    public func uppercased() -> Expr<String> { Expr<String>(.call("toUpperCase", [self.node])) }
    /// The number of characters.
    public var length: Expr<Int64> { Expr<Int64>(.call("length", [self.node])) }
}

extension Expr {
    /// The value as text (`toString()`).
    public func toString() -> Expr<String> { Expr<String>(.call("toString", [self.node])) }
}

/// Types string functions accept: `String`, `String?` and the dynamic ``Value``.
public protocol StringLikeValue: ValueConvertible {}
extension String: StringLikeValue {}
extension Value: StringLikeValue {}
extension Optional: StringLikeValue where Wrapped == String {}
