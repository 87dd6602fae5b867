import Foundation
import KaijuCore
import KaijuTestSupport
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import KaijuCodecs
@testable import KaijuServer

/// Finding 16: TLS on every TCP and HTTP listener and on the kaiju-hl link, with real clients.
@Suite(.serialized)
struct TLSTests {
    static let logger = Logger(label: "kaiju-test")

    @Test func curlAndOpenSSLSpeakTLSToTheServersListeners() throws {
        let certs = try TestCertificates()
        defer { certs.remove() }
        let server = try ServerProcess(
            "kaiju-metrics",
            [
                "--tcp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--no-parse",
                "--tls-cert", certs.serverCert, "--tls-key", certs.serverKey,
            ]
        )
        defer { _ = server.terminate() }
        let http = try #require(server.port(of: "http"))
        let tcp = try #require(server.port(of: "tcp"))
        let admin = try #require(server.port(of: "admin"))
        let write = try TestCertificates.run(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certs.ca, "--data-binary",
                "cpu v=1 1700000000000000000",
                "https://127.0.0.1:\(http)/write",
            ]
        )
        #expect(write.output == "204")
        let plain = try TestCertificates.run(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(http)/write"]
        )
        #expect(plain.output != "204", "plain HTTP is not answered on a TLS listener")
        let line = #"{"name":"cpu","fields":{"v":2},"timestamp":1700000000000}"# + "\n"
        let sent = try TestCertificates.run(
            "/usr/bin/openssl",
            [
                "s_client", "-quiet", "-no_ign_eof", "-CAfile", certs.ca, "-connect", "127.0.0.1:\(tcp)",
            ],
            input: line
        )
        #expect(sent.status == 0)
        let metrics = {
            try TestCertificates.run(
                "/usr/bin/curl",
                ["-s", "--cacert", certs.ca, "https://localhost:\(admin)/metrics"]
            ).output
        }
        #expect(ServerProcess.wait { ((try? metrics()) ?? "").contains("kaiju_events_in_total{type=\"Metric\"} 2\n") })
    }

    @Test func withACAListenersRequireClientCertificates() async throws {
        let certs = try TestCertificates()
        defer { certs.remove() }
        var configuration = ModuleConfiguration(
            name: "test",
            listeners: [.http(name: "http", address: .loopback, kind: .telegraf)],
            admin: nil,
            hl: nil
        )
        configuration.tls = try TLSFiles(
            certificate: certs.serverCert,
            privateKey: certs.serverKey,
            certificateAuthority: certs.ca
        ).serverContext()
        let server = try await ModuleServer.start(configuration, logger: Self.logger) { _ in }
        let url = "https://127.0.0.1:\(server.boundAddresses["http"]?.port ?? 0)/write"
        let anonymous = try TestCertificates.run(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certs.ca, "--data-binary", "cpu v=1", url]
        )
        #expect(anonymous.output == "000", "the handshake fails without a client certificate")
        let authenticated = try TestCertificates.run(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certs.ca, "--cert", certs.clientCert,
                "--key", certs.clientKey,
                "--data-binary", "cpu v=1", url,
            ]
        )
        #expect(authenticated.output == "204")
        try await server.shutdown()
    }

    @Test func theKaijuHLLinkRunsOverMutualTLS() async throws {
        let certs = try TestCertificates()
        defer { certs.remove() }
        let files = TLSFiles(certificate: certs.serverCert, privateKey: certs.serverKey, certificateAuthority: certs.ca)
        var configuration = ModuleConfiguration(
            name: "hl",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: nil,
            hl: nil
        )
        configuration.tls = try files.serverContext()
        let hl = try await ModuleServer.start(configuration, logger: Self.logger) { _ in }
        let port = hl.boundAddresses["tcp"]?.port ?? 0
        let stats = IngestStats()
        let client = TLSFiles(
            certificate: certs.clientCert,
            privateKey: certs.clientKey,
            certificateAuthority: certs.ca
        )
        let forwarder = HLForwarder(
            to: BindAddress(host: "127.0.0.1", port: port),
            capacity: 100,
            loop: Loopback.group.next(),
            stats: stats,
            logger: Self.logger,
            tls: try client.clientContext()
        )
        forwarder.send([Event(timestamp: 5_000, payload: ["v": 1]), Event(timestamp: 6_000, payload: ["v": 2])])
        #expect(ServerProcess.wait { stats.value(.init("kaiju_forwarded_total")) == 2 })
        #expect(hl.pump.stats.value(.init("kaiju_events_in_total", ["type": "Event"])) == 2)
        try await forwarder.close(timeout: .seconds(1)).get()
        // Without a client certificate kaiju-hl refuses the link: nothing is acknowledged.
        let anonymous = HLForwarder(
            to: BindAddress(host: "127.0.0.1", port: port),
            capacity: 100,
            loop: Loopback.group.next(),
            stats: stats,
            logger: Self.logger,
            tls: try TLSFiles(certificateAuthority: certs.ca).clientContext()
        )
        anonymous.send([Event(timestamp: 7_000)])
        try await Task.sleep(for: .milliseconds(500))
        #expect(stats.value(.init("kaiju_forwarded_total")) == 2)
        #expect(try await anonymous.backlog().get() == 1)
        try await anonymous.close(timeout: .milliseconds(10)).get()
        try await hl.shutdown()
    }
}
