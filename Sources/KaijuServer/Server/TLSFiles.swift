import KaijuCodecs
public import NIOSSL

/// The PEM files TLS is configured from: `--tls-cert` and `--tls-key` (this side's certificate chain and
/// key) and `--tls-ca` (the certificates a peer's certificate must chain to).
///
/// A server with a CA requires and verifies client certificates (mutual TLS); without one it takes any
/// client. A client verifies the server against the CA (the system's roots without one), checking the
/// host name unless it connects to an IP address, and presents its own certificate when it has one.
public struct TLSFiles: Sendable, Hashable {
    /// The certificate chain file, or `nil`.
    public var certificate: String?
    /// The private key file, or `nil`.
    public var privateKey: String?
    /// The CA bundle file, or `nil`.
    public var certificateAuthority: String?

    /// TLS from these files.
    public init(certificate: String? = nil, privateKey: String? = nil, certificateAuthority: String? = nil) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificateAuthority = certificateAuthority
    }

    /// The listeners' TLS context.
    /// - Throws: ``RuleFileError`` without a certificate and key; NIOSSL's errors for unreadable or invalid files.
    public func serverContext() throws -> NIOSSLContext {
        guard let certificate = self.certificate, let key = self.privateKey else {
            throw RuleFileError("TLS needs both --tls-cert and --tls-key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        )
        if let ca = self.certificateAuthority {
            configuration.trustRoots = .file(ca)
            configuration.certificateVerification = .noHostnameVerification
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// A client's TLS context (the kaiju-hl link, the `kaiju` CLI).
    /// - Throws: NIOSSL's errors for unreadable or invalid files.
    public func clientContext() throws -> NIOSSLContext {
        try NIOSSLContext(configuration: try self.clientConfiguration())
    }

    /// A client's TLS configuration: the CA as trust roots (the system's without one), and this side's
    /// certificate when it has one.
    /// - Throws: NIOSSL's errors for unreadable or invalid files.
    public func clientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let ca = self.certificateAuthority { configuration.trustRoots = .file(ca) }
        if let certificate = self.certificate, let key = self.privateKey {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        return configuration
    }

    /// The host name a client checks the server's certificate against: `nil` for an IP address (whose
    /// certificate is then checked against the CA only).
    public static func serverHostname(_ host: String) -> String? {
        AdminAccess.isIPLiteral(host.lowercased()) ? nil : host
    }
}
