public import KaijuCore

// Comparison: both sides of the same Swift type; the result is a predicate expression.

/// `l == r` in a rule: equal to a constant.
public func == <T: ValueConvertible>(l: Expr<T>, r: T) -> Expr<Bool> {
    Expr(.binary(.equal, l.node, .literal(r.kaijuValue)))
}
/// `l != r` in a rule: not equal to a constant.
public func != <T: ValueConvertible>(l: Expr<T>, r: T) -> Expr<Bool> {
    Expr(.binary(.notEqual, l.node, .literal(r.kaijuValue)))
}
/// `l < r` in a rule: less than a constant.
public func < <T: ValueConvertible>(l: Expr<T>, r: T) -> Expr<Bool> {
    Expr(.binary(.less, l.node, .literal(r.kaijuValue)))
}
/// `l <= r` in a rule: less than or equal to a constant.
public func <= <T: ValueConvertible>(l: Expr<T>, r: T) -> Expr<Bool> {
    Expr(.binary(.lessOrEqual, l.node, .literal(r.kaijuValue)))
}
/// `l > r` in a rule: greater than a constant.
public func > <T: ValueConvertible>(l: Expr<T>, r: T) -> Expr<Bool> {
    Expr(.binary(.greater, l.node, .literal(r.kaijuValue)))
}
/// `l >= r` in a rule: greater than or equal to a constant.
public func >= <T: ValueConvertible>(l: Expr<T>, r: T) -> Expr<Bool> {
    Expr(.binary(.greaterOrEqual, l.node, .literal(r.kaijuValue)))
}

/// `l == r` in a rule: equal to another expression.
public func == <T>(l: Expr<T>, r: Expr<T>) -> Expr<Bool> { Expr(.binary(.equal, l.node, r.node)) }
/// `l != r` in a rule: not equal to another expression.
public func != <T>(l: Expr<T>, r: Expr<T>) -> Expr<Bool> { Expr(.binary(.notEqual, l.node, r.node)) }
/// `l < r` in a rule: less than another expression.
public func < <T>(l: Expr<T>, r: Expr<T>) -> Expr<Bool> { Expr(.binary(.less, l.node, r.node)) }
/// `l <= r` in a rule: less than or equal to another expression.
public func <= <T>(l: Expr<T>, r: Expr<T>) -> Expr<Bool> { Expr(.binary(.lessOrEqual, l.node, r.node)) }
/// `l > r` in a rule: greater than another expression.
public func > <T>(l: Expr<T>, r: Expr<T>) -> Expr<Bool> { Expr(.binary(.greater, l.node, r.node)) }
/// `l >= r` in a rule: greater than or equal to another expression.
public func >= <T>(l: Expr<T>, r: Expr<T>) -> Expr<Bool> { Expr(.binary(.greaterOrEqual, l.node, r.node)) }

// Logic, with EPL's three-valued semantics (null is neither true nor false).

/// `l && r` in a rule: and another expression.
public func && (l: Expr<Bool>, r: Expr<Bool>) -> Expr<Bool> { Expr(.binary(.and, l.node, r.node)) }
/// `l || r` in a rule: or another expression.
public func || (l: Expr<Bool>, r: Expr<Bool>) -> Expr<Bool> { Expr(.binary(.or, l.node, r.node)) }
/// `not e` in a rule.
public prefix func ! (e: Expr<Bool>) -> Expr<Bool> { Expr(.unary(.not, e.node)) }

// Arithmetic on numbers; `/` always yields a double, as in Esper.

/// `l + r` in a rule: plus another expression.
public func + <T: NumericValue>(l: Expr<T>, r: Expr<T>) -> Expr<T> { Expr(.binary(.add, l.node, r.node)) }
/// `l - r` in a rule: minus another expression.
public func - <T: NumericValue>(l: Expr<T>, r: Expr<T>) -> Expr<T> { Expr(.binary(.subtract, l.node, r.node)) }
/// `l * r` in a rule: times another expression.
public func * <T: NumericValue>(l: Expr<T>, r: Expr<T>) -> Expr<T> { Expr(.binary(.multiply, l.node, r.node)) }
/// `l / r` in a rule: divided by (always a double, as in EPL) another expression.
public func / <T: NumericValue>(l: Expr<T>, r: Expr<T>) -> Expr<Double> { Expr(.binary(.divide, l.node, r.node)) }
/// `l + r` in a rule: plus a constant.
public func + <T: NumericValue>(l: Expr<T>, r: T) -> Expr<T> { Expr(.binary(.add, l.node, .literal(r.kaijuValue))) }
/// `l - r` in a rule: minus a constant.
public func - <T: NumericValue>(l: Expr<T>, r: T) -> Expr<T> {
    Expr(.binary(.subtract, l.node, .literal(r.kaijuValue)))
}
/// `l * r` in a rule: times a constant.
public func * <T: NumericValue>(l: Expr<T>, r: T) -> Expr<T> {
    Expr(.binary(.multiply, l.node, .literal(r.kaijuValue)))
}
/// `l / r` in a rule: divided by (always a double, as in EPL) a constant.
public func / <T: NumericValue>(l: Expr<T>, r: T) -> Expr<Double> {
    Expr(.binary(.divide, l.node, .literal(r.kaijuValue)))
}
/// `-e` in a rule.
public prefix func - <T: NumericValue>(e: Expr<T>) -> Expr<T> { Expr(.unary(.negate, e.node)) }

/// String concatenation (EPL's `||`).
public func + (l: Expr<String>, r: Expr<String>) -> Expr<String> { Expr(.binary(.concat, l.node, r.node)) }

// Mixed operand types (a typed column against a dynamic one): the result is dynamic.

/// `l == r` in a rule: equal to another expression.
public func == <A, B>(l: Expr<A>, r: Expr<B>) -> Expr<Bool> { Expr(.binary(.equal, l.node, r.node)) }
/// `l != r` in a rule: not equal to another expression.
public func != <A, B>(l: Expr<A>, r: Expr<B>) -> Expr<Bool> { Expr(.binary(.notEqual, l.node, r.node)) }
/// `l < r` in a rule: less than another expression.
public func < <A, B>(l: Expr<A>, r: Expr<B>) -> Expr<Bool> { Expr(.binary(.less, l.node, r.node)) }
/// `l <= r` in a rule: less than or equal to another expression.
public func <= <A, B>(l: Expr<A>, r: Expr<B>) -> Expr<Bool> { Expr(.binary(.lessOrEqual, l.node, r.node)) }
/// `l > r` in a rule: greater than another expression.
public func > <A, B>(l: Expr<A>, r: Expr<B>) -> Expr<Bool> { Expr(.binary(.greater, l.node, r.node)) }
/// `l >= r` in a rule: greater than or equal to another expression.
public func >= <A, B>(l: Expr<A>, r: Expr<B>) -> Expr<Bool> { Expr(.binary(.greaterOrEqual, l.node, r.node)) }
/// `l + r` in a rule: plus another expression.
public func + <A: NumericValue, B: NumericValue>(l: Expr<A>, r: Expr<B>) -> Expr<Value> {
    Expr(.binary(.add, l.node, r.node))
}
/// `l - r` in a rule: minus another expression.
public func - <A: NumericValue, B: NumericValue>(l: Expr<A>, r: Expr<B>) -> Expr<Value> {
    Expr(.binary(.subtract, l.node, r.node))
}
/// `l * r` in a rule: times another expression.
public func * <A: NumericValue, B: NumericValue>(l: Expr<A>, r: Expr<B>) -> Expr<Value> {
    Expr(.binary(.multiply, l.node, r.node))
}
/// `l / r` in a rule: divided by (always a double, as in EPL) another expression.
public func / <A: NumericValue, B: NumericValue>(l: Expr<A>, r: Expr<B>) -> Expr<Double> {
    Expr(.binary(.divide, l.node, r.node))
}

// Functions the reference's rules call.

/// Square root (`java.lang.Math.sqrt`).
public func sqrt<T: NumericValue>(_ e: Expr<T>) -> Expr<Double> { Expr(.call("sqrt", [e.node])) }
/// Jaeger's trace id in hex from its two halves (`EventToJsonConverter.traceIdToHex`).
public func traceIdToHex<A, B>(_ high: Expr<A>, _ low: Expr<B>) -> Expr<String> {
    Expr(.call("traceIdToHex", [high.node, low.node]))
}
/// Java's `Long.toHexString`: the two's-complement bits in lower-case hex.
public func toHexString<T>(_ e: Expr<T>) -> Expr<String> { Expr(.call("toHexString", [e.node])) }
