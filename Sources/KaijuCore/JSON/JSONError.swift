/// A malformed JSON input, with the byte offset where parsing stopped.
public struct JSONError: Error, Hashable, CustomStringConvertible {
    /// Byte offset into the input where the problem was found.
    public let offset: Int
    /// What was wrong.
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid JSON at byte \(self.offset): \(self.message)" }
}
