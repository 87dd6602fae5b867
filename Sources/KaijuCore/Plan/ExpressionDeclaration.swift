/// An expression declaration (`create expression name { (a, b) => body }`, or inline before a statement):
/// a call `name(x, y)` stands for `body` with the parameters replaced by the arguments.
public struct ExpressionDeclaration: Sendable, Hashable {
    /// The name calls use.
    public var name: String
    /// The parameter names, in order (none for `{ body }`).
    public var parameters: [String]
    /// The expression.
    public var body: ExprNode

    /// A declaration of `name(parameters) = body`.
    public init(_ name: String, parameters: [String], body: ExprNode) {
        self.name = name
        self.parameters = parameters
        self.body = body
    }

    /// `body` with each parameter replaced by its argument: a parameter `t` read as `t.price` becomes the
    /// argument's property `price` (`s.price` for a stream `s`, a member read otherwise).
    /// - Returns: `nil` when the number of arguments is not the number of parameters.
    public func expanded(with arguments: [ExprNode]) -> ExprNode? {
        guard arguments.count == self.parameters.count else { return nil }
        func substitute(_ argument: ExprNode, _ rest: [String]) -> ExprNode {
            if rest.isEmpty { return argument }
            if case .property(let stream, let path) = argument { return .property(stream: stream, path: path + rest) }
            return rest.reduce(argument) { .member($0, $1) }
        }
        return self.body.rewritten { node in
            guard case .property(let stream, let path) = node else { return nil }
            if let stream, let i = self.parameters.firstIndex(of: stream) { return substitute(arguments[i], path) }
            if stream == nil, let first = path.first, let i = self.parameters.firstIndex(of: first) {
                return substitute(arguments[i], Array(path.dropFirst()))
            }
            return nil
        }
    }
}
