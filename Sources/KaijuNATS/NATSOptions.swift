import KaijuCore
public import NIOSSL

/// Where a NATS connection goes and how it authenticates.
public struct NATSOptions: Sendable {
    /// The server's host.
    public var host: String
    /// The server's port (4222 by default).
    public var port: Int
    /// User and password, if the server requires them.
    public var user: String?
    /// The password of ``user``.
    public var password: String?
    /// A token, if the server requires one.
    public var token: String?
    /// The client's name, as the server shows it.
    public var name: String
    /// How long a request (and a JetStream API call) waits for its reply.
    public var requestTimeout: Duration
    /// The TLS client configuration, used when the server requires TLS (its INFO says `tls_required`);
    /// the platform's defaults (system trust) when `nil`.
    public var tls: TLSConfiguration?

    /// A connection to `host:port`.
    public init(host: String = "127.0.0.1", port: Int = 4222, name: String = "kaiju") {
        self.host = host
        self.port = port
        self.name = name
        self.requestTimeout = .seconds(5)
    }

    /// Options from a `nats://[user:password@]host[:port]` URL (a lone `user@` is a token).
    public init?(url: String) {
        guard url.hasPrefix("nats://") else { return nil }
        var rest = Substring(url.dropFirst("nats://".count))
        self.init()
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                self.user = String(credentials[..<colon])
                self.password = String(credentials[credentials.index(after: colon)...])
            } else {
                self.token = String(credentials)
            }
        }
        if let colon = rest.lastIndex(of: ":") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return nil }
            self.port = port
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { return nil }
        self.host = String(rest)
    }

    /// The `CONNECT` JSON.
    var connectJSON: String {
        var w = JSONWriter()
        w.object { w in
            w.key("verbose", first: true)
            w.write(Value.bool(false))
            w.key("pedantic")
            w.write(Value.bool(false))
            w.key("headers")
            w.write(Value.bool(true))
            w.key("no_responders")
            w.write(Value.bool(true))
            w.key("name")
            w.write(self.name)
            w.key("lang")
            w.write("swift")
            w.key("version")
            w.write("1.0")
            if let user = self.user {
                w.key("user")
                w.write(user)
                w.key("pass")
                w.write(self.password ?? "")
            }
            if let token = self.token {
                w.key("auth_token")
                w.write(token)
            }
        }
        return w.string
    }
}
