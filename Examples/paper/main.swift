// kaiju-paper: replays the bundled recording of each module through the paper's rules (Q1a–Q6, written
// as Swift code in Examples/rules/PaperRules.swift) on the virtual clock, and prints what fires as
// {"statement":"NAME","row":{...}}, one line per row.
//
//   swift run kaiju-paper                  # every module
//   swift run kaiju-paper traces           # one of: metrics, logs, traces, hl
//   swift run kaiju-paper hl my.ndjson     # a module's rules over your own recording
import Foundation
import KaijuCore
import KaijuRules

let modules: [(name: String, install: (Runtime, @escaping StatementListener) throws -> Void)] = [
    ("metrics", { r, l in try PaperRules.installMetrics(in: r, listener: l) }),
    ("logs", { r, l in try PaperRules.installLogs(in: r, listener: l) }),
    ("traces", { r, l in try PaperRules.installTraces(in: r, listener: l) }),
    ("hl", { r, l in try PaperRules.installHighLevel(in: r, listener: l) }),
]

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kaiju-paper: \(message)\n".utf8))
    exit(1)
}

let args = Array(CommandLine.arguments.dropFirst())
let selected = args.first.map { name in modules.filter { $0.name == name } } ?? modules
if selected.isEmpty { fail("unknown module '\(args[0])' (metrics, logs, traces, hl)") }
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

var failed = false
for module in selected {
    let path = args.count > 1 ? args[1] : here.appendingPathComponent("\(module.name).ndjson").path
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    let bytes = [UInt8](data)
    let runtime = Runtime(clock: .virtual(startingAt: RecordingPlayer.startTime(of: bytes) ?? 0))
    do {
        try module.install(runtime) { output in
            for line in output.jsonLines { print(line) }
        }
    } catch {
        fail("\(module.name): \(error)")
    }
    let summary = RecordingPlayer.play(bytes, into: runtime, drain: .minutes(2))
    for (line, error) in summary.errors {
        FileHandle.standardError.write(Data("kaiju-paper: \(path):\(line): \(error)\n".utf8))
        failed = true
    }
    FileHandle.standardError.write(
        Data("kaiju-paper: \(module.name): replayed \(summary.events) records from \(path)\n".utf8)
    )
}
exit(failed ? 1 : 0)
