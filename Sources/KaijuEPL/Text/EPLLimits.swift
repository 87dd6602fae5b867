/// The bounds the EPL front end enforces on statement text, so no statement can exhaust the stack,
/// memory or the engine loop's time while it is parsed and compiled.
///
/// Each is refused with a positioned ``EPLSyntaxError`` whose ``EPLSyntaxError/limit`` names it.
public struct EPLLimits: Sendable, Hashable {
    /// The longest statement, in UTF-8 bytes (default 64 KiB).
    public var maxStatementBytes: Int
    /// The deepest nesting of expressions and patterns: parentheses, calls, `not`, unary minus, and each
    /// operator of a chain such as `a + b + c` (which nests to the left) count one level (default 256).
    public var maxNestingDepth: Int
    /// The most items of one list: `in (...)`, call arguments, `new { ... }` entries (default 10 000).
    public var maxListItems: Int

    /// Limits with the defaults unless given.
    public init(maxStatementBytes: Int = 64 << 10, maxNestingDepth: Int = 256, maxListItems: Int = 10_000) {
        self.maxStatementBytes = maxStatementBytes
        self.maxNestingDepth = maxNestingDepth
        self.maxListItems = maxListItems
    }
}
