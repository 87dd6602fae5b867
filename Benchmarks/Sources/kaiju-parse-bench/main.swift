// kaiju-parse-bench: how long the reference's rule files take to parse and compile, each module's
// statements.txt (and kaiju-hl's events.txt) into a fresh runtime, as a server does at start.
//
//   cd Benchmarks && swift run -c release kaiju-parse-bench [passes]
import Foundation
import KaijuCore
import KaijuEPL

let passes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20 : 20
let stmts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "../../../Examples/stmts"
).standardized
func read(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: stmts.appendingPathComponent(path).path) else {
        fatalError("cannot read \(path)")
    }
    return String(decoding: data, as: UTF8.self)
}
let files = ["metrics", "logs", "traces", "hl"].map { ($0, read("\($0)/statements.txt")) }
let events = read("hl/events.txt")

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// Loads every module's files once; returns the statements installed.
func loadAll() -> Int {
    var installed = 0
    for (module, text) in files {
        let r = Runtime()
        if module == "hl" {
            let (file, errors) = EventsFile.parse(events)
            precondition(errors.isEmpty)
            try! file.install(in: r)
        }
        let (file, errors) = StatementsFile.parse(text)
        precondition(errors.isEmpty)
        let failures = file.install(in: r) { _ in nil }
        precondition(failures.isEmpty, "\(failures)")
        installed += file.entries.count
    }
    return installed
}

let clock = ContinuousClock()
var timings: [Double] = []
var statements = 0
for _ in 0..<passes {
    let start = clock.now
    statements = loadAll()
    timings.append(seconds(clock.now - start))
}
let first = timings[0]
timings.sort()
print(
    "kaiju-parse-bench: the reference's four statements.txt and events.txt (\(statements) statements), parse + compile, \(passes) passes"
)
print(
    String(
        format: "first (cold) %.2f ms, median %.2f ms, best %.2f ms",
        first * 1000,
        timings[timings.count / 2] * 1000,
        timings[0] * 1000
    )
)
