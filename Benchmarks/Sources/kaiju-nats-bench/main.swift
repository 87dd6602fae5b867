// kaiju-nats-bench: Events/s through NATS JetStream, from a source module's engine to kaiju-hl rows.
// Starts Debian's nats-server (-js, a fresh file store) on a free port, `replicas` kaiju-hl replicas
// consuming `partitions` partitions, and one module publishing; hands the module `events` Events (64
// namespaces, in chunks of 1000) and times until the replicas have printed a row for each.
//
//   cd Benchmarks && swift run -c release kaiju-nats-bench [events] [replicas] [partitions]
import Foundation
import KaijuCore
import KaijuEPL
import KaijuNATS
import KaijuServer
import Logging
import Synchronization

let arguments = CommandLine.arguments
let events = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let replicas = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
let partitions = arguments.count > 3 ? Int(arguments[3]) ?? 4 : 4

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

guard
    let executable = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"].first(where: {
        FileManager.default.isExecutableFile(atPath: $0)
    })
else {
    print("nats-server is not installed (apt-get install nats-server)")
    exit(1)
}
let port = Int.random(in: 20_000..<60_000)
let store = NSTemporaryDirectory() + "kaiju-nats-bench-\(UUID().uuidString)"
let server = Process()
server.executableURL = URL(fileURLWithPath: executable)
server.arguments = ["-js", "-a", "127.0.0.1", "-p", "\(port)", "-sd", store]
server.standardOutput = FileHandle.nullDevice
server.standardError = FileHandle.nullDevice
try server.run()
defer {
    server.terminate()
    server.waitUntilExit()
    try? FileManager.default.removeItem(atPath: store)
}
usleep(500_000)

var logger = Logger(label: "bench")
logger.logLevel = .warning
var link = NATSLink(options: NATSOptions(host: "127.0.0.1", port: port, name: "bench"))
link.partitions = partitions
link.replicas = replicas
link.capacity = events
if let window = ProcessInfo.processInfo.environment["KAIJU_NATS_WINDOW"].flatMap(Int.init) {
    link.publishWindow = window
}

let rows = Atomic<Int>(0)
var hl: [ModuleServer] = []
for replica in 0..<replicas {
    var configuration = ModuleConfiguration(name: "kaiju-hl", listeners: [], admin: nil, hl: nil)
    configuration.nats = link
    configuration.nats?.replica = replica
    configuration.consumesNATS = true
    hl.append(
        try await ModuleServer.start(configuration, logger: logger) { runtime in
            try EPL.install("select context('namespace') as ns from Event", in: runtime, name: "rows") { output in
                rows.add(output.rows.count, ordering: .relaxed)
            }
        }
    )
}
var moduleConfiguration = ModuleConfiguration(name: "kaiju-traces", listeners: [], admin: nil, hl: nil)
moduleConfiguration.nats = link
let module = try await ModuleServer.start(moduleConfiguration, logger: logger) { _ in }

var input: [InputEvent] = []
input.reserveCapacity(events)
for i in 0..<events {
    let payload: ValueMap = ["i": Value.int(Int64(i)), "operationName": Value.string("GET /cart")]
    let context: ValueMap = ["namespace": Value.string("ns\(i % 64)"), "pod": Value.string("pod-\(i % 512)")]
    input.append(.event(Event(timestamp: 1_700_000_000_000 + Int64(i), payload: payload, context: context)))
}
let clock = ContinuousClock()
let start = clock.now
var published: Duration?
for chunk in stride(from: 0, to: events, by: 1000) {
    try await module.pump.submit(Array(input[chunk..<min(chunk + 1000, events)])).get()
}
let deadline = start + .seconds(600)
while rows.load(ordering: .relaxed) < events, clock.now < deadline {
    if published == nil, module.pump.stats.value(.init("kaiju_nats_published_total")) >= events {
        published = clock.now - start
    }
    try await Task.sleep(for: .milliseconds(5))
}
let elapsed = clock.now - start
let seen = rows.load(ordering: .relaxed)
print(
    "\(events) Events, \(partitions) partitions, \(replicas) kaiju-hl: \(seen) rows in \(String(format: "%.2f", seconds(elapsed))) s"
        + " = \(Int(Double(seen) / seconds(elapsed))) Events/s end to end"
        + (published.map { "; all published (acknowledged) after \(String(format: "%.2f", seconds($0))) s" } ?? "")
)
try await module.shutdown()
for server in hl { try await server.shutdown() }
