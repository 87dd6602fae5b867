/// A message delivered on a subscription (`MSG`, or `HMSG` with headers).
public struct NATSMessage: Sendable {
    /// The subject it was published on.
    public let subject: String
    /// The subscription it was delivered on.
    public let sid: Int
    /// Where a reply goes (an inbox, or JetStream's ack subject), if anywhere.
    public let replyTo: String?
    /// Its headers, in order (names as sent).
    public let headers: [(name: String, value: String)]
    /// The status of a status message (`NATS/1.0 404 No Messages`): JetStream's fetch signals.
    public let status: Int?
    /// The payload bytes.
    public let payload: [UInt8]

    /// The first value of header `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return self.headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// What the server sends a client.
public enum NATSServerFrame: Sendable {
    /// `INFO {json}`: the server's identity, limits and what it requires.
    case info([UInt8])
    /// `MSG` or `HMSG`.
    case message(NATSMessage)
    /// `PING`.
    case ping
    /// `PONG`.
    case pong
    /// `+OK`.
    case ok
    /// `-ERR 'text'`.
    case error(String)
}
