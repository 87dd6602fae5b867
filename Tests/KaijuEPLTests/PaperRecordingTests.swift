import Foundation
import KaijuCore
import KaijuRules
import Testing

/// Golden test: the bundled recordings through the paper's rules print exactly `Examples/paper/expected.ndjson`
/// (what `swift run kaiju-paper` prints).
struct PaperRecordingTests {
    @Test func bundledRecordingsProduceTheCommittedOutput() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Examples/paper"
        )
        let installs: [(String, (Runtime, @escaping StatementListener) throws -> Void)] = [
            ("metrics", { r, l in try PaperRules.installMetrics(in: r, listener: l) }),
            ("logs", { r, l in try PaperRules.installLogs(in: r, listener: l) }),
            ("traces", { r, l in try PaperRules.installTraces(in: r, listener: l) }),
            ("hl", { r, l in try PaperRules.installHighLevel(in: r, listener: l) }),
        ]
        var lines: [String] = []
        for (name, install) in installs {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("\(name).ndjson")))
            let r = Runtime(clock: .virtual(startingAt: RecordingPlayer.startTime(of: bytes) ?? 0))
            try install(r) { lines += $0.jsonLines }
            let summary = RecordingPlayer.play(bytes, into: r, drain: .minutes(2))
            #expect(summary.errors.isEmpty)
        }
        let expected = try String(contentsOf: dir.appendingPathComponent("expected.ndjson"), encoding: .utf8)
        #expect(lines == expected.split(separator: "\n").map(String.init))
        #expect(
            lines.contains { $0.hasPrefix(#"{"statement":"Q1b""#) }
                && lines.contains { $0.hasPrefix(#"{"statement":"Q5""#) }
        )
    }
}
