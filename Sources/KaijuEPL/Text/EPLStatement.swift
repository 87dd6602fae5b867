public import KaijuCore

/// One parsed EPL statement, ready for a ``Runtime``.
public enum EPLStatement: Sendable, Hashable {
    /// `create schema Name(col type, ...) [inherits Parent, ...]`.
    case createSchema(SchemaDeclaration)
    /// `create table Name(col type [primary key], ...)`.
    case createTable(TableDeclaration)
    /// `create window Name#win(...) as (col type, ...)` or `as select * from Type`: a declared type whose
    /// events (those inserted into it) are kept in the window for queries and joins.
    case createWindow(name: String, windows: [WindowSpec], schema: SchemaDeclaration)
    /// `[insert into Name] select ... from ...`.
    case select(StatementPlan)
    /// `on Type merge|delete Table ...`.
    case on(OnPlan)
    /// `create expression name { (params) => body }`: later statements' calls `name(...)` expand to it.
    case createExpression(ExpressionDeclaration)
    /// `create [constant] variable type name [= value]`.
    case createVariable(VariableDeclaration)
    /// `on Type set var = expr, ...`.
    case onSet(VariableSetPlan)
    /// `create [unique] index Name on Target (col, ...)`.
    case createIndex(IndexDeclaration)
    /// `create context Name ...`.
    case createContext(ContextDeclaration)
    /// `on Type insert into A select ... [where ...] insert into B ... [output all]`.
    case splitStream(SplitStreamPlan)
}
