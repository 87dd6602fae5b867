import Foundation
import KaijuCore
import KaijuEPL
import Logging
import NIOCore
import Testing

@testable import KaijuCodecs
@testable import KaijuServer

/// Issue 13's security findings: the admin API, sample paths, rule-text addresses, the shared key.
@Suite(.serialized)
struct HardeningSecurityTests {
    static let logger = Logger(label: "kaiju-test")

    static func server(_ configure: (inout ModuleConfiguration) -> Void) async throws -> ModuleServer {
        var configuration = ModuleConfiguration(
            name: "test",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: .loopback,
            hl: nil
        )
        configure(&configuration)
        return try await ModuleServer.start(configuration, logger: Self.logger) { _, _ in }
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaiju-sec-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func adminRefusesForeignHostsAndOriginsSoPagesCannotForgeRequests() async throws {
        let server = try await Self.server { _ in }
        let port = try #require(server.boundAddresses["admin"]?.port)
        let add = "listener:none,name:x=select * from Metric"
        func status(_ method: String, _ path: String, _ headers: [String: String], body: String = "") throws -> Int {
            try Loopback.exchange(port: port, method: method, path: path, body: body, headers: headers).status
        }
        // DNS rebinding: the page's own name in Host.
        #expect(try status("POST", "/api/statements", ["Host": "evil.example:\(port)"], body: add) == 403)
        // CSRF: a text/plain POST from another site carries its Origin.
        let csrf = ["Host": "127.0.0.1:\(port)", "Origin": "http://evil.example", "Content-Type": "text/plain"]
        #expect(try status("POST", "/api/statements", csrf, body: add) == 403)
        #expect(try status("GET", "/metrics", ["Host": "127.0.0.1:1"]) == 403)
        #expect(try status("GET", "/metrics", [:]) == 403, "no Host at all")
        // The address itself, by IP literal or localhost, with or without its own Origin.
        #expect(try status("GET", "/api/statements", ["Host": "localhost:\(port)"]) == 200)
        let own = ["Host": "127.0.0.1:\(port)", "Origin": "http://127.0.0.1:\(port)"]
        #expect(try status("POST", "/api/statements", own, body: add) == 201)
        let metrics = try Loopback.get(port: port, path: "/metrics")
        #expect(metrics.contains("kaiju_admin_refused_total{code=\"403\"} 4\n"))
        #expect(try await server.pump.statementCounters().get().map(\.name) == ["x"])
        try await server.shutdown()
    }

    @Test func adminTokenIsRequiredWhenConfiguredAndNamedHostsAreAccepted() async throws {
        let server = try await Self.server {
            $0.adminAccess = AdminAccess(token: "s3cret", allowedHosts: ["Kaiju-Metrics"])
        }
        let port = try #require(server.boundAddresses["admin"]?.port)
        func status(_ headers: [String: String]? = nil) throws -> Int {
            try Loopback.exchange(port: port, method: "GET", path: "/api/statements", headers: headers).status
        }
        #expect(try status() == 401)
        #expect(try status(["Host": "127.0.0.1:\(port)", "Authorization": "Bearer s3cres"]) == 401)
        #expect(try status(["Host": "kaiju-metrics:\(port)", "Authorization": "Bearer s3cret"]) == 200)
        #expect(
            try await AdminClient.request(
                BindAddress(host: "127.0.0.1", port: port),
                method: "GET",
                path: "/api/statements",
                token: "s3cret"
            ).status == 200
        )
        #expect(
            try await AdminClient.request(
                BindAddress(host: "127.0.0.1", port: port),
                method: "GET",
                path: "/api/statements"
            ).status == 401
        )
        try await server.shutdown()
    }

    @Test func samplePathsStayInsideTheSampleDirectoryAndRefusedStatementsCreateNothing() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("kaiju-outside-\(UUID()).txt").path
        let server = try await Self.server { $0.sampleDirectory = dir }
        let admin = try #require(server.boundAddresses["admin"]?.port)
        func add(_ line: String) throws -> (status: Int, body: String) {
            try Loopback.exchange(port: admin, method: "POST", path: "/api/statements", body: line)
        }
        let escape = try add("listener:sample,path:\(outside),name:a=select * from Metric")
        #expect(escape.status == 400 && escape.body.contains("is outside --sample-dir"))
        #expect(
            try add("listener:sample,path:../x.txt,name:b=select * from Metric").body.contains("may not contain '..'")
        )
        #expect(!FileManager.default.fileExists(atPath: outside))
        // A statement the engine refuses leaves no file behind.
        #expect(try add("listener:sample,path:refused.txt,name:c=select nosuch from Metric").status == 400)
        #expect(!FileManager.default.fileExists(atPath: dir + "/refused.txt"))
        // An accepted one writes its rows there, and its descriptor closes when it is removed.
        #expect(try add("listener:sample,path:rows.txt,name:d=select fields('v') as v from Metric").status == 201)
        #expect(!FileManager.default.fileExists(atPath: dir + "/rows.txt"), "created by the first row only")
        _ = try Loopback.tcp(port: server.boundAddresses["tcp"]?.port ?? 0, Array("cpu v=1 1700000000000000000\n".utf8))
        #expect(
            ServerProcess.wait { (try? String(contentsOfFile: dir + "/rows.txt", encoding: .utf8)) == "{\"v\":1.0}\n" }
        )
        #expect(Self.openDescriptors(to: dir + "/rows.txt") == 1)
        #expect(try Loopback.exchange(port: admin, method: "DELETE", path: "/api/statements/d").status == 204)
        #expect(Self.openDescriptors(to: dir + "/rows.txt") == 0)
        try await server.shutdown()
    }

    /// How many of this process's descriptors are open on `path`.
    static func openDescriptors(to path: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return fds.filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == target
        }.count
    }

    @Test func ruleTextAddressesNeedTheFlag() async throws {
        let server = try await Self.server { _ in }
        let admin = try #require(server.boundAddresses["admin"]?.port)
        let reply = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/statements",
            body: "listener:hl,address:127.0.0.1:9,name:x=select * from Event"
        )
        #expect(reply.status == 400)
        #expect(reply.body.contains("needs --allow-rule-addresses"))
        let allowed = try await Self.server { $0.allowRuleAddresses = true }
        let port = try #require(allowed.boundAddresses["admin"]?.port)
        #expect(
            try Loopback.exchange(
                port: port,
                method: "POST",
                path: "/api/statements",
                body: "listener:hl,address:127.0.0.1:9,name:x=select * from Event"
            ).status == 201
        )
        try await server.shutdown()
        try await allowed.shutdown()
    }

    @Test func aSharedKeyGuardsEveryPortThatTakesForward() async throws {
        let server = try await Self.server { c in
            c.listeners = [
                .stream(name: "forward", address: .loopback, sharedKey: "key"),
                .stream(name: "tcp", address: .loopback),
            ]
        }
        // ["tag", 1, {"k":"v"}, {"chunk":"c1"}] to the ndjson port: refused, never acknowledged.
        let message: [UInt8] = [
            0x94, 0xa3, 0x74, 0x61, 0x67, 0x01, 0x81, 0xa1, 0x6b, 0xa1, 0x76, 0x81, 0xa5, 0x63, 0x68, 0x75, 0x6e, 0x6b,
            0xa2, 0x63, 0x31,
        ]
        let reply = try Loopback.tcp(port: server.boundAddresses["tcp"]?.port ?? 0, message)
        #expect(
            ServerProcess.wait {
                server.pump.stats.value(.init("kaiju_decode_errors_total", ["protocol": "forward"])) == 1
            }
        )
        #expect(reply.isEmpty, "no ack")
        #expect(server.pump.stats.value(.init("kaiju_events_in_total", ["type": "LogRecord"])) == 0)
        // ndjson on the same port still works.
        _ = try Loopback.tcp(port: server.boundAddresses["tcp"]?.port ?? 0, Array("{\"msg\":\"hi\"}\n".utf8))
        #expect(
            ServerProcess.wait { server.pump.stats.value(.init("kaiju_events_in_total", ["type": "LogRecord"])) == 1 }
        )
        try await server.shutdown()
    }

}

/// Finding 3 over the admin API: nested statements are refused with 400 and the server keeps running.
@Suite(.serialized)
struct HardeningAdminStatementTests {
    @Test func nestedStatementsThroughTheAPIAreRefusedAndCounted() async throws {
        let server = try await HardeningSecurityTests.server { _ in }
        let admin = try #require(server.boundAddresses["admin"]?.port)
        let parens = "select " + String(repeating: "(", count: 4_882) + "1 from Metric"
        let added = try Loopback.exchange(port: admin, method: "POST", path: "/api/statements", body: parens)
        #expect(added.status == 400)
        #expect(added.body.hasPrefix("line 1, column 264: nested deeper than the limit of 256 levels"))
        let query = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/query",
            body: "select " + String(repeating: "abs(", count: 3_466) + "1 from W"
        )
        #expect(query.status == 400)
        #expect(
            try Loopback.exchange(
                port: admin,
                method: "POST",
                path: "/api/statements",
                body: "listener:none,name:ok=select count(*) as n from Metric"
            ).status == 201
        )
        let metrics = try Loopback.get(port: admin, path: "/metrics")
        #expect(metrics.contains("kaiju_limit_hits_total{limit=\"nesting_depth\"} 2\n"))
        try await server.shutdown()
    }
}
