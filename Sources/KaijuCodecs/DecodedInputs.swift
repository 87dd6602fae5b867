public import KaijuCore

/// What one request body or one read decoded to: the good inputs, in order, and an error for each part
/// that could not be read (good parts are kept).
public struct DecodedInputs: Sendable {
    /// The inputs decoded, in the order they were sent.
    public var items: [InputEvent]
    /// One error per part that could not be decoded.
    public var errors: [IngestError]

    /// Creates a result.
    /// - Parameters:
    ///   - items: The inputs decoded.
    ///   - errors: The errors met.
    public init(items: [InputEvent] = [], errors: [IngestError] = []) {
        self.items = items
        self.errors = errors
    }
}
