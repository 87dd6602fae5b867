/// A variable (`create [constant] variable type name [= initial]`): one value, read by any statement's
/// expressions and assigned by `on ... set`.
public struct VariableDeclaration: Sendable, Hashable {
    /// Its name.
    public var name: String
    /// Values assigned are converted to this type.
    public var type: ColumnType
    /// Whether it can be assigned (`create constant variable` cannot).
    public var constant: Bool
    /// Its initial value's expression (a constant; null when not given).
    public var initial: ExprNode?

    /// A declaration of `name`.
    public init(_ name: String, type: ColumnType, constant: Bool = false, initial: ExprNode? = nil) {
        self.name = name
        self.type = type
        self.constant = constant
        self.initial = initial
    }
}

/// `on Type[(filter)] [as s] set var = expr, ...`: each arriving event assigns the variables in order (a later
/// expression reads the values already assigned); the statement's row is the assigned variables' new values.
public struct VariableSetPlan: Sendable, Hashable {
    /// The triggering stream.
    public var trigger: StreamSpec
    /// The assignments, in order.
    public var assignments: [MergeClause.Assignment]

    /// `on trigger set assignments`.
    public init(on trigger: StreamSpec, set assignments: [MergeClause.Assignment]) {
        self.trigger = trigger
        self.assignments = assignments
    }
}
