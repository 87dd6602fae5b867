/// A rule text that does not parse or compile: what was expected, where (1-based line and column), and
/// the offending line with a caret under the position.
public struct EPLSyntaxError: Error, Hashable, CustomStringConvertible {
    /// What was expected, or what is wrong.
    public let message: String
    /// The line (1-based).
    public let line: Int
    /// The column (1-based).
    public let column: Int
    /// The source line the position is on, without its newline.
    public let sourceLine: String
    /// The ``EPLLimits`` bound the statement exceeded (`statement_bytes`, `nesting_depth`, `list_items`,
    /// `join_streams`), or `nil` for any other error.
    public let limit: String?

    /// An error at a line and column; `limit` names the bound exceeded, if that is the error.
    public init(_ message: String, line: Int, column: Int, sourceLine: String, limit: String? = nil) {
        self.message = message
        self.line = line
        self.column = column
        self.sourceLine = sourceLine
        self.limit = limit
    }

    /// `line L, column C: message`.
    public var summary: String { "line \(self.line), column \(self.column): \(self.message)" }

    /// The summary, the source line, and a caret line pointing at the column.
    public var description: String {
        let caret = String(repeating: " ", count: max(0, self.column - 1)) + "^"
        return "\(self.summary)\n  \(self.sourceLine)\n  \(caret)"
    }
}
