public import KaijuCore

/// Esper's enumeration methods on lists (`tags.firstOf(t => t.key = 'x')`); the lambda's parameter
/// is a ``LambdaFields`` handle named `parameter`.
extension Expr {
    private func enumerate(
        _ m: EnumerationMethod,
        _ parameter: String,
        _ body: ((LambdaFields) -> any ExprConvertible)?
    ) -> ExprNode {
        .enumeration(
            m,
            self.node,
            parameter: body == nil ? nil : parameter,
            body: body?(LambdaFields(parameter: parameter)).exprNode
        )
    }

    /// The first element the lambda accepts (null when none).
    public func firstOf(_ parameter: String = "x", _ lambda: ((LambdaFields) -> Expr<Bool>)? = nil) -> Expr<Value> {
        Expr<Value>(self.enumerate(.firstOf, parameter, lambda))
    }
    /// The last element the lambda accepts (null when none).
    public func lastOf(_ parameter: String = "x", _ lambda: ((LambdaFields) -> Expr<Bool>)? = nil) -> Expr<Value> {
        Expr<Value>(self.enumerate(.lastOf, parameter, lambda))
    }
    /// The elements the lambda accepts.
    public func `where`(_ parameter: String = "x", _ lambda: @escaping (LambdaFields) -> Expr<Bool>) -> Expr<Value> {
        Expr<Value>(self.enumerate(.where, parameter, lambda))
    }
    /// Whether any element satisfies the lambda.
    public func anyOf(_ parameter: String = "x", _ lambda: @escaping (LambdaFields) -> Expr<Bool>) -> Expr<Bool> {
        Expr<Bool>(self.enumerate(.anyOf, parameter, lambda))
    }
    /// Whether every element satisfies the lambda.
    public func allOf(_ parameter: String = "x", _ lambda: @escaping (LambdaFields) -> Expr<Bool>) -> Expr<Bool> {
        Expr<Bool>(self.enumerate(.allOf, parameter, lambda))
    }
    /// How many elements satisfy the lambda (all of them without one).
    public func countOf(_ parameter: String = "x", _ lambda: ((LambdaFields) -> Expr<Bool>)? = nil) -> Expr<Int64> {
        Expr<Int64>(self.enumerate(.countOf, parameter, lambda))
    }
    /// The lambda's value for each element.
    public func selectFrom<R>(_ parameter: String = "x", _ lambda: @escaping (LambdaFields) -> Expr<R>) -> Expr<Value> {
        Expr<Value>(self.enumerate(.selectFrom, parameter, lambda))
    }

    /// A property of a computed value: `firstOf(...).vStr`.
    public func member(_ name: String) -> Expr<Value> { Expr<Value>(.member(self.node, name)) }
}

/// A lambda parameter inside an enumeration method: `t.key`.
@dynamicMemberLookup
public struct LambdaFields: Sendable {
    let parameter: String
    /// A property of the lambda's parameter.
    public subscript(dynamicMember name: String) -> Expr<Value> {
        Expr(.property(stream: nil, path: [self.parameter, name]))
    }
}
