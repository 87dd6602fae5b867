// kaiju-demo: Kaiju's main job on its embedded default — the built-in metrics rule set (HostRules)
// over the bundled sample recording, on the virtual clock. Prints each output row as
// {"statement":"NAME","row":{...}}, exactly as the servers' `simple` listener does.
//
//   swift run kaiju-demo                 # the bundled sample
//   swift run kaiju-demo my-recording.ndjson
import Foundation
import KaijuCore
import KaijuRules

let defaultSample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("sample.ndjson")
    .path
let path = CommandLine.arguments.dropFirst().first ?? defaultSample
guard let data = FileManager.default.contents(atPath: path) else {
    FileHandle.standardError.write(Data("kaiju-demo: cannot read \(path)\n".utf8))
    exit(1)
}
let bytes = [UInt8](data)
let runtime = Runtime(clock: .virtual(startingAt: RecordingPlayer.startTime(of: bytes) ?? 0))
do {
    try HostRules.install(in: runtime) { output in
        for line in output.jsonLines { print(line) }
    }
} catch {
    FileHandle.standardError.write(Data("kaiju-demo: \(error)\n".utf8))
    exit(1)
}
let summary = RecordingPlayer.play(bytes, into: runtime, drain: .minutes(1))
for (line, error) in summary.errors {
    FileHandle.standardError.write(Data("kaiju-demo: \(path):\(line): \(error)\n".utf8))
}
FileHandle.standardError.write(Data("kaiju-demo: replayed \(summary.events) events from \(path)\n".utf8))
exit(summary.errors.isEmpty ? 0 : 1)
