import KaijuCodecs
import NIOHTTP1

/// Who may use the admin address: an optional bearer token, and only requests addressed to the admin
/// address itself, so a web page in a browser on the same host can neither forge a request (CSRF: its
/// `Origin` is another site) nor reach it through a name it controls (DNS rebinding: its `Host` is that name).
///
/// `Host` (and `Origin`, when present) must name the admin port, with an IP literal, `localhost`, or one
/// of ``allowedHosts`` (e.g. a Kubernetes service name) as the host.
public struct AdminAccess: Sendable {
    /// The bearer token every request must carry (`Authorization: Bearer TOKEN`), or `nil`.
    public var token: String?
    /// Host names accepted besides IP literals and `localhost`, lower-cased.
    public var allowedHosts: Set<String>

    /// Access with the given token and extra host names.
    public init(token: String? = nil, allowedHosts: [String] = []) {
        self.token = token
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
    }

    /// The refusal for `request` (403 for a foreign Host or Origin, 401 without the token), or `nil`.
    func refusal(_ request: HTTPIngestRequest) -> HTTPIngestReply? {
        let headers = request.head.headers
        guard let host = headers.first(name: "host"),
            self.accepts(authority: host, defaultPort: 80, port: request.localPort)
        else {
            return .text(.forbidden, "the Host header must name this admin address")
        }
        if let origin = headers.first(name: "origin") {
            let parts = origin.split(separator: "://", maxSplits: 1)
            guard parts.count == 2, parts[0] == "http" || parts[0] == "https",
                self.accepts(
                    authority: String(parts[1]),
                    defaultPort: parts[0] == "https" ? 443 : 80,
                    port: request.localPort
                )
            else { return .text(.forbidden, "cross-origin requests are refused") }
        }
        if let token = self.token {
            let given = headers.first(name: "authorization") ?? ""
            guard ConstantTime.equal(Array(given.utf8), Array("Bearer \(token)".utf8)) else {
                return HTTPIngestReply(
                    .unauthorized,
                    contentType: "text/plain; charset=utf-8",
                    body: Array("a bearer token is required\n".utf8),
                    headers: [("WWW-Authenticate", "Bearer")]
                )
            }
        }
        return nil
    }

    /// Whether `authority` (`host[:port]`, `[v6][:port]`) names this server's admin `port`.
    func accepts(authority: String, defaultPort: Int, port: Int?) -> Bool {
        var host = Substring(authority)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty { return false }
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        let requested = portText.map { Int($0) } ?? defaultPort
        guard let requested, requested == port else { return false }
        let name = host.lowercased()
        return name == "localhost" || Self.isIPLiteral(name) || self.allowedHosts.contains(name)
    }

    /// Whether `name` is an IPv4 or IPv6 address (never a DNS name a page could rebind).
    static func isIPLiteral(_ name: String) -> Bool {
        if name.contains(":") { return name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && (UInt8(p) != nil) }
    }
}
