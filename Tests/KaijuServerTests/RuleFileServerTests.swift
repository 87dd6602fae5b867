import Foundation
import KaijuCore
import Testing

/// The executables with EPL rule files: golden replays, refusal of broken files, record → replay, and
/// rules managed at run time on the admin address.
@Suite(.serialized)
struct RuleFileServerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    static func path(_ relative: String) -> String { self.root.appendingPathComponent(relative).path }

    static func temporary(_ name: String, _ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kaiju-\(UUID().uuidString)-\(name)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Each module's reference rule file over its bundled recording prints exactly the committed output, twice.
    @Test(arguments: ["metrics", "logs", "traces", "hl"])
    func replayThroughTheReferenceFilesPrintsTheGoldenOutput(module: String) throws {
        var args = [
            "--statements", Self.path("Examples/stmts/\(module)/statements.txt"), "--replay",
            Self.path("Examples/paper/\(module).ndjson"),
        ]
        if module == "hl" { args += ["--events", Self.path("Examples/stmts/hl/events.txt")] }
        let expected = try String(
            contentsOfFile: Self.path("Examples/stmts/\(module)/expected.ndjson"),
            encoding: .utf8
        )
        .split(separator: "\n").map(String.init)
        var runs: [[String]] = []
        for _ in 0..<2 {
            let p = try ServerProcess("kaiju-\(module)", args)
            #expect(p.exitStatus() == 0)
            runs.append(p.stdout)
        }
        #expect(!expected.isEmpty)
        #expect(runs[0] == expected)
        #expect(runs[1] == runs[0])
    }

    /// `sample` appends rows to a file, `hl` with an address forwards rows as Events there, `--hl` gets
    /// every produced Event; a replay flushes them before it exits.
    @Test func replayWritesSamplesAndForwardsEvents() throws {
        let parent = try Loopback.Collector()
        let other = try Loopback.Collector()
        let sample = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kaiju-\(UUID().uuidString)-sampled.txt"
        ).path
        let rules = try Self.temporary(
            "listeners.txt",
            """
            listener:sample,path:\(sample),name:slow=select operationName, duration from Span(duration > 40000)
            listener:hl,address:127.0.0.1:\(other.port),name:alert=select current_timestamp() as timestamp, new {op=operationName} as payload, new {} as context from Span(duration > 40000)
            listener:none,name:events=insert into Event select current_timestamp() as timestamp, new {op=operationName} as payload, new {} as context from Span(duration > 40000)
            """
        )
        let replay = try ServerProcess(
            "kaiju-traces",
            [
                "--statements", rules, "--replay", Self.path("Examples/paper/traces.ndjson"), "--hl",
                "127.0.0.1:\(parent.port)",
                "--sample-dir", FileManager.default.temporaryDirectory.path, "--allow-rule-addresses",
            ]
        )
        #expect(replay.exitStatus() == 0)
        #expect(replay.stdout.isEmpty)
        let sampled = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(sampled == [#"{"operationName":"GET /cart","duration":48000}"#])
        let event = #"{"timestamp":1700000090000,"payload":{"op":"GET /cart"},"context":{}}"#
        #expect(ServerProcess.wait { other.received == [event] && parent.received == [event] })
    }

    /// A live server runs the statements file instead of its built-in rules.
    @Test func aLiveServerRunsItsStatementsFile() throws {
        let rules = try Self.temporary(
            "live.txt",
            "listener:simple,name:busy=select tags('host') as host from Metric(fields('v') > 90)\n"
        )
        let server = try ServerProcess(
            "kaiju-metrics",
            ["--statements", rules, "--tcp", "127.0.0.1:0", "--http", "none", "--admin", "127.0.0.1:0"]
        )
        defer { _ = server.terminate() }
        let tcp = try #require(server.port(of: "tcp"))
        _ = try Loopback.tcp(
            port: tcp,
            Array("cpu,host=a v=95 1700000000000000000\ncpu,host=b v=5 1700000000000000000\n".utf8)
        )
        #expect(ServerProcess.wait { !server.stdout.isEmpty })
        let admin = try #require(server.port(of: "admin"))
        let list = try Loopback.exchange(port: admin, method: "GET", path: "/api/statements").body
        #expect(server.stdout == [#"{"statement":"busy","row":{"host":"a"}}"#])
        #expect(!list.contains("Q1a"))
        #expect(server.stderr.contains { $0.contains("rules from \(rules)") })
    }

    @Test func aBrokenRuleFileRefusesToStartAndNamesEveryBrokenLine() throws {
        let file = try Self.temporary(
            "broken.txt",
            """
            listener:simple,name:ok=select count(*) from Metric
            listener:simple,name:a=select * from Metric#time(1 parsec)
            # fine
            listener:simple,name:b=select nope from Metric
            """
        )
        let p = try ServerProcess(
            "kaiju-metrics",
            ["--statements", file, "--tcp", "127.0.0.1:0", "--http", "none", "--admin", "none"]
        )
        #expect(p.exitStatus() != 0)
        let text = p.stderr.joined(separator: "\n")
        #expect(
            text.contains("\(file):line 2, column 52: expected a time unit (msec, sec, min, hour, day), found 'parsec'")
        )
        #expect(text.contains("\(file):line 4, column 31: unknown property 'nope' of Metric"))
        #expect(text.contains("  listener:simple,name:b=select nope from Metric"))
    }

    /// Record live, then replay the recording against another rule file.
    @Test func recordLiveThenReplay() throws {
        let recording = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kaiju-\(UUID().uuidString).ndjson"
        ).path
        let live = try ServerProcess(
            "kaiju-metrics",
            ["--no-parse", "--record", recording, "--tcp", "127.0.0.1:0", "--http", "none", "--admin", "127.0.0.1:0"]
        )
        let port = try #require(live.port(of: "tcp"))
        let lines = (0..<5).map {
            #"{"fields":{"v":\#($0)},"name":"cpu","tags":{"host":"h\#($0 % 2)"},"timestamp":1700000000000}"#
        }
        _ = try Loopback.tcp(port: port, Array((lines.joined(separator: "\n") + "\n").utf8))
        let admin = try #require(live.port(of: "admin"))
        #expect(
            ServerProcess.wait {
                (try? Loopback.get(port: admin, path: "/metrics"))?.contains(#"kaiju_events_in_total{type="Metric"} 5"#)
                    == true
            }
        )
        #expect(live.terminate() == 0)
        let recorded = try String(contentsOfFile: recording, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(recorded.count == 5)
        let first = try RecordingLine(json: Array(recorded[0].utf8))
        #expect(
            first.event
                == .metric(Metric(name: "cpu", timestamp: 1_700_000_000_000, fields: ["v": 0], tags: ["host": "h0"]))
        )

        let rules = try Self.temporary(
            "count.txt",
            "listener:simple,name:per host=select tags('host') as host, count(*) as n, sum(fields('v')) as total from Metric group by tags('host') output last every 10 sec\n"
        )
        let replay = try ServerProcess("kaiju-metrics", ["--statements", rules, "--replay", recording])
        #expect(replay.exitStatus() == 0)
        #expect(
            replay.stdout == [
                #"{"statement":"per host","row":{"host":"h0","n":3,"total":6}}"#,
                #"{"statement":"per host","row":{"host":"h1","n":2,"total":4}}"#,
            ]
        )
    }

    /// `--rules FILE.epl` runs an EPL module (its `@name`d statements print), besides or instead of
    /// `--statements`; `POST /api/statements` takes a module too, and removes what it added when one fails.
    @Test func anEPLModuleRunsFromRulesAndFromTheAdminAPI() throws {
        let module = try Self.temporary(
            "rules.epl",
            """
            -- per namespace counts of cpu samples
            @name('per ns') select tags('namespace') as ns, count(*) as n
              from Metric(name = 'container_cpu_usage_seconds_total')#length_batch(3) group by tags('namespace');
            insert into Busy select tags('pod_name') as pod from Metric(fields('counter') > 190);
            @name('busy') select pod from Busy
            """
        )
        let replay = try ServerProcess(
            "kaiju-metrics",
            ["--no-parse", "--rules", module, "--replay", Self.path("Examples/paper/metrics.ndjson")]
        )
        #expect(replay.exitStatus() == 0)
        #expect(
            Array(replay.stdout.prefix(3)) == [
                #"{"statement":"busy","row":{"pod":"cache-2"}}"#,
                #"{"statement":"per ns","row":{"ns":"shop","n":2}}"#,
                #"{"statement":"per ns","row":{"ns":"infra","n":1}}"#,
            ]
        )

        let server = try ServerProcess(
            "kaiju-metrics",
            ["--no-parse", "--tcp", "127.0.0.1:0", "--http", "none", "--admin", "127.0.0.1:0"]
        )
        defer { _ = server.terminate() }
        let admin = try #require(server.port(of: "admin"))
        let tcp = try #require(server.port(of: "tcp"))
        let added = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/statements",
            body: "insert into Hot select name from Metric(fields('v') > 10);\n@name('hot') select name from Hot"
        )
        #expect(added.status == 201)
        #expect(added.body == #"{"name":"stmt-1","names":["stmt-1","hot"]}"#)
        let broken = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/statements",
            body: "@name('first') select name from Metric;\n@name('second') select nope from Metric"
        )
        #expect(broken.status == 400)
        #expect(broken.body.hasPrefix("line 2, column 24: unknown property 'nope' of Metric"))
        _ = try Loopback.tcp(
            port: tcp,
            Array((#"{"fields":{"v":42},"name":"cpu","tags":{},"timestamp":1}"# + "\n").utf8)
        )
        #expect(ServerProcess.wait { server.stdout.count == 1 })
        #expect(server.stdout == [#"{"statement":"hot","row":{"name":"cpu"}}"#])
        let list = try Loopback.exchange(port: admin, method: "GET", path: "/api/statements")
        #expect(!list.body.contains(#""name":"first""#))
    }

    @Test func statementsAreManagedAtRunTime() throws {
        let server = try ServerProcess(
            "kaiju-metrics",
            ["--no-parse", "--rtime", "5 min", "--tcp", "127.0.0.1:0", "--http", "none", "--admin", "127.0.0.1:0"]
        )
        defer { _ = server.terminate() }
        let admin = try #require(server.port(of: "admin"))
        let tcp = try #require(server.port(of: "tcp"))
        let kept = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/statements",
            body: "listener:none,name:kept=select count(*) from Metric#time(:retentionTime:)"
        )
        #expect(kept.status == 201)

        let added = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/statements",
            body: "listener:simple,name:hot=select name, fields('v') as v from Metric(fields('v') > 10)"
        )
        #expect(added.status == 201)
        #expect(added.body == #"{"name":"hot"}"#)
        let bad = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/statements",
            body: "listener:simple,name:x=select * form Metric"
        )
        #expect(bad.status == 400)
        #expect(
            bad.body
                == "line 1, column 33: expected 'from', found 'form'\n  listener:simple,name:x=select * form Metric\n                                  ^\n"
        )
        #expect(
            try Loopback.exchange(
                port: admin,
                method: "POST",
                path: "/api/statements",
                body: "create window Recent#length(10) as (name string, v double)"
            ).status == 201
        )
        #expect(
            try Loopback.exchange(
                port: admin,
                method: "POST",
                path: "/api/statements",
                body: "name:keep,listener:none=insert into Recent select name, fields('v') as v from Metric"
            ).status == 201
        )

        _ = try Loopback.tcp(
            port: tcp,
            Array(
                (#"{"fields":{"v":42},"name":"cpu","tags":{},"timestamp":1}"# + "\n"
                    + #"{"fields":{"v":1},"name":"mem","tags":{},"timestamp":2}"# + "\n").utf8
            )
        )
        #expect(ServerProcess.wait { server.stdout.count == 1 })
        #expect(server.stdout == [#"{"statement":"hot","row":{"name":"cpu","v":42}}"#])

        let list = try Loopback.exchange(port: admin, method: "GET", path: "/api/statements")
        #expect(list.status == 200)
        #expect(
            list.body.contains(
                #"{"name":"kept","text":"select count(*) from Metric#time(5 min)","listener":"none","eventsIn":2,"rowsOut":2}"#
            )
        )
        #expect(
            list.body.contains(
                #"{"name":"hot","text":"select name, fields('v') as v from Metric(fields('v') > 10)","listener":"simple","eventsIn":1,"rowsOut":1}"#
            )
        )
        let query = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/query",
            body: "select name, v from Recent where v < 10"
        )
        #expect(query.status == 200)
        #expect(query.body == #"[{"name":"mem","v":1.0}]"#)
        let badQuery = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/query",
            body: "select * from Nowhere"
        )
        #expect(badQuery.status == 400)
        #expect(badQuery.body.hasPrefix("line 1, column 15: 'Nowhere' is not a table or named window"))

        // The kaiju CLI calls the same API.
        let cli = try ServerProcess(
            "kaiju",
            ["query", "--admin", "127.0.0.1:\(admin)", "select count(*) as n from Recent"]
        )
        #expect(cli.exitStatus() == 0)
        #expect(cli.stdout == [#"[{"n":2}]"#])
        let refused = try ServerProcess("kaiju", ["add", "--admin", "127.0.0.1:\(admin)", "select * frm Metric"])
        #expect(refused.exitStatus() == 1)
        #expect(
            refused.stdout == [
                "line 1, column 10: expected 'from', found 'frm'", "  select * frm Metric", "           ^",
            ]
        )

        #expect(try Loopback.exchange(port: admin, method: "DELETE", path: "/api/statements/hot").status == 204)
        #expect(try Loopback.exchange(port: admin, method: "DELETE", path: "/api/statements/hot").status == 404)
        #expect(
            !(try Loopback.exchange(port: admin, method: "GET", path: "/api/statements").body.contains(#""name":"hot""#))
        )
    }
}
