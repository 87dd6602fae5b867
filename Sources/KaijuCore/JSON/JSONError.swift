/// A malformed JSON input, with the byte offset where parsing stopped.
public struct JSONError: Error, Hashable, CustomStringConvertible {
    /// Byte offset into the input where the problem was found.
    public let offset: Int
    /// What was wrong.
    public let message: String
    /// The limit the input exceeded (`depth`, `flatten`), or `nil` when it is simply malformed.
    public let limit: String?

    /// - Parameters:
    ///   - offset: where the problem was found.
    ///   - message: what was wrong.
    ///   - limit: the name of the limit the input exceeded, if that is the problem.
    public init(offset: Int, message: String, limit: String? = nil) {
        self.offset = offset
        self.message = message
        self.limit = limit
    }

    /// The same error with its offset moved by `delta` (for a value parsed out of a larger input).
    public func shifted(by delta: Int) -> JSONError {
        JSONError(offset: self.offset + delta, message: self.message, limit: self.limit)
    }

    /// The error with its byte offset.
    public var description: String { "invalid JSON at byte \(self.offset): \(self.message)" }
}
