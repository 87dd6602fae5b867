/// Why a NATS operation failed, with what it is about.
public struct NATSError: Error, Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case protocolViolation
        case server
        case timeout
        case closed
        case jetStream
    }

    let kind: Kind
    /// What went wrong, with the peer's words where it gave some.
    public let message: String
    /// JetStream's `err_code`, when the error came from the JetStream API.
    public let code: Int?

    init(_ kind: Kind, _ message: String, code: Int? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    /// Whether the operation ran out of time (a request without a reply, a fetch without messages).
    public var isTimeout: Bool { self.kind == .timeout }

    /// The error as one line: its kind and message.
    public var description: String {
        switch self.kind {
        case .protocolViolation: return "NATS protocol error: \(self.message)"
        case .server: return "NATS server error: \(self.message)"
        case .timeout: return "NATS timeout: \(self.message)"
        case .closed: return "NATS connection closed: \(self.message)"
        case .jetStream: return "JetStream error\(self.code.map { " \($0)" } ?? ""): \(self.message)"
        }
    }
}
