import KaijuNATS
import KaijuTestSupport
import NIOSSL
import Testing

/// TLS when the server requires it: the client upgrades after INFO, verifying the server against a CA,
/// and presents its certificate when the server verifies clients.
struct NATSTLSTests {
    @Test func theClientSpeaksTLSWhenTheServerRequiresIt() async throws {
        let certs = try TestCertificates()
        defer { certs.remove() }
        let server = try NATSTestServer(auth: [
            "--tlsverify", "--tlscert", certs.serverCert, "--tlskey", certs.serverKey, "--tlscacert", certs.ca,
        ])
        var options = server.options
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(certs.ca)
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certs.clientCert).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: certs.clientKey, format: .pem))
        options.tls = tls
        let c = try await NATSConnection.connect(options)
        let reply = Task {
            try await c.request("echo", payload: Array("x".utf8), timeout: .seconds(2))
        }
        _ = try await c.subscribe("echo") { m in
            guard let to = m.replyTo else { return }
            Task { try? await c.publish(to, payload: Array("tls:".utf8) + m.payload) }
        }
        try await c.flush()
        let echoed = try await c.request("echo", payload: Array("y".utf8))
        #expect(String(decoding: echoed.payload, as: UTF8.self) == "tls:y")
        _ = try? await reply.value
        await c.close()
        // Without the client certificate the server refuses the link.
        var anonymous = server.options
        var trustOnly = TLSConfiguration.makeClientConfiguration()
        trustOnly.trustRoots = .file(certs.ca)
        anonymous.tls = trustOnly
        await #expect(throws: (any Error).self) { _ = try await NATSConnection.connect(anonymous) }
    }
}
