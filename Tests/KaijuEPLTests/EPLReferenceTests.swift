import Foundation
import KaijuCore
import KaijuEPL
import KaijuRules
import Testing

/// The reference's listings as EPL text: every one parses unchanged, and the rule files replay the bundled
/// recordings to exactly what the hand-written Swift rules print (`Examples/paper/expected.ndjson`).
struct EPLReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")

    static func contents(_ path: String) throws -> String {
        try String(contentsOf: self.root.appendingPathComponent(path), encoding: .utf8)
    }

    static let primer = [
        "create schema A(field1 String, field2 int)",
        "create schema D(field3 double)",
        "create schema C(field4 string) inherits D",
        "insert into Output select * from A#time(10 sec)",
        "select * from pattern [a=A -> b=B timer:within(2min)]",
    ]

    @Test func primerParsesAndRuns() throws {
        let r = Runtime()
        for text in Self.primer.dropLast() { try EPL.install(text, in: r) }
        try EPL.install("create schema B(field5 string)", in: r)
        var rows: [String] = []
        try EPL.install(Self.primer.last!, in: r, name: "P") { rows += $0.jsonLines }
        #expect(r.types["C"]?.isSubtype(of: r.types["D"]!) == true)
        try r.send(row: ["x", .int(1)], type: "A", timestamp: 1_000)
        try r.send(row: ["y"], type: "B", timestamp: 2_000)
        #expect(rows == [#"{"statement":"P","row":{"a":{"field1":"x","field2":1},"b":{"field5":"y"}}}"#])
        #expect(EPL.parsePattern(Self.primer.last!) == "(a=A -> (b=B where timer:within(120000 msec)))")
    }

    @Test func everyReferenceStatementParses() throws {
        for module in ["metrics", "logs", "traces", "hl"] {
            let (file, errors) = StatementsFile.parse(try Self.contents("Examples/stmts/\(module)/statements.txt"))
            #expect(errors.isEmpty)
            #expect(!file.entries.isEmpty)
            for entry in file.entries { _ = try EPL.parse(entry.text) }
        }
        let (events, errors) = EventsFile.parse(try Self.contents("Examples/stmts/hl/events.txt"))
        #expect(errors.isEmpty)
        #expect(
            events.lines
                == HighLevelEvents.lines.enumerated().map { i, l in
                    EventsFile.Line(
                        name: l.name,
                        payload: l.payload,
                        context: l.context,
                        parents: l.parents,
                        number: i + 1
                    )
                }
        )
    }

    @Test func patternPrecedenceFollowsEsper() throws {
        #expect(
            EPL.parsePattern("select * from pattern [Anomaly [2] timer:within(2 min)]")
                == "[2] (Anomaly where timer:within(120000 msec))"
        )
        #expect(
            EPL.parsePattern("select * from pattern [a=X and b=Y(pod = a.pod) where timer:within(1min)]")
                == "(a=X and (b=Y(pod=a.pod) where timer:within(60000 msec)))"
        )
        #expect(
            EPL.parsePattern("select * from pattern [every a=X -> every b=Y where timer:within(10min)]")
                == "(every a=X -> every (b=Y where timer:within(600000 msec)))"
        )
        #expect(
            EPL.parsePattern("select * from pattern [a=X or b=Y and c=Z -> not d=W]")
                == "((a=X or (b=Y and c=Z)) -> not d=W)"
        )
    }

    /// Each module's rule file over its bundled recording prints what the Swift rules print.
    @Test(arguments: ["metrics", "logs", "traces", "hl"])
    func ruleFilesReplayToTheSwiftRulesOutput(module: String) throws {
        let expected = try Self.contents("Examples/paper/expected.ndjson").split(separator: "\n").map(String.init)
        let bytes = [UInt8](try Data(contentsOf: Self.root.appendingPathComponent("Examples/paper/\(module).ndjson")))
        func replay(_ install: (Runtime, @escaping StatementListener) throws -> Void) throws -> [String] {
            let r = Runtime(clock: .virtual(startingAt: RecordingPlayer.startTime(of: bytes) ?? 0))
            var lines: [String] = []
            try install(r) { lines += $0.jsonLines }
            #expect(RecordingPlayer.play(bytes, into: r, drain: .minutes(2)).errors.isEmpty)
            return lines
        }
        let text = try replay { r, listener in
            if module == "hl" {
                try EventsFile.parse(try Self.contents("Examples/stmts/hl/events.txt")).file.install(in: r)
            }
            let (file, _) = StatementsFile.parse(try Self.contents("Examples/stmts/\(module)/statements.txt"))
            let errors = file.install(in: r) { $0.listener == .simple ? listener : nil }
            #expect(errors.isEmpty, "\(errors)")
        }
        let swift = try replay { r, listener in
            switch module {
            case "metrics": try PaperRules.installMetrics(in: r, listener: listener)
            case "logs": try PaperRules.installLogs(in: r, listener: listener)
            case "traces": try PaperRules.installTraces(in: r, listener: listener)
            default: try PaperRules.installHighLevel(in: r, listener: listener)
            }
        }
        #expect(!text.isEmpty)
        #expect(text == swift)
        #expect(text.allSatisfy { expected.contains($0) })
    }
}

extension EPL {
    /// The pattern of a `select ... from pattern [...]` statement, fully parenthesised (for tests).
    static func parsePattern(_ text: String) -> String? {
        guard case .select(let plan)? = try? EPL.parse(text), case .pattern(let p) = plan.streams[0].input else {
            return nil
        }
        return p.description
    }
}
