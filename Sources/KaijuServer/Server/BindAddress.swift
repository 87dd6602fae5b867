/// A host and port to listen on or connect to, parsed once from `HOST:PORT` (`[v6]:PORT` too).
///
/// # Usage
/// ```swift
/// let admin = try BindAddress(parsing: "127.0.0.1:9278")
/// let tcp = try BindAddress.parse(orNone: "none")   // nil: the listener is disabled
/// ```
public struct BindAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP literal (brackets of an IPv6 literal removed; `0.0.0.0` when the text gave none).
    public var host: String
    /// The port, `0` to let the system choose.
    public var port: Int

    /// Creates an address.
    /// - Parameters:
    ///   - host: The host name or IP literal.
    ///   - port: The port, 0...65535.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; an empty host means every interface.
    /// - Parameter text: The address as given on the command line or in rule text.
    /// - Throws: ``BindAddressError`` when the text is not `HOST:PORT` with a port in 0...65535.
    public init(parsing text: String) throws(BindAddressError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw BindAddressError(text: text)
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    /// Parses `HOST:PORT`, or `none` (which disables what the address is for).
    /// - Parameter text: The address, or `none`.
    /// - Returns: The address, or `nil` for `none`.
    /// - Throws: ``BindAddressError`` when the text is neither.
    public static func parse(orNone text: String) throws(BindAddressError) -> BindAddress? {
        text == "none" ? nil : try BindAddress(parsing: text)
    }

    /// `HOST:PORT`, with an IPv6 literal in brackets.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

/// An address that is not `HOST:PORT` (or `none` where that is allowed).
public struct BindAddressError: Error, Hashable, CustomStringConvertible {
    /// The text that was given.
    public let text: String

    /// A message naming the text.
    public var description: String { "'\(self.text)' is not HOST:PORT or none" }
}
