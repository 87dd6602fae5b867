public import KaijuCore
public import KaijuEPL

/// The deployment's `events.txt` for kaiju-hl, as code: schemas under `HLEvent(timestamp long)` and,
/// for each type with payload keys, a statement turning every `Event` whose payload has all of them
/// into that type (columns from `payload(key)` or `context(key)`, cast to their types).
public enum HighLevelEvents {
    /// The declarations, as `events.txt` lines.
    public static let lines: [EventsFile.Line] = [
        EventsFile.Line(name: "Anomaly", payload: [], context: [], parents: []),
        EventsFile.Line(name: "TraceAnomaly", payload: [.init("traceId", .string)], context: [], parents: ["Anomaly"]),
        EventsFile.Line(
            name: "HighLatencySpan",
            payload: [
                .init("operationName", .string), .init("spanId", .string), .init("traceId", .string),
                .init("duration", .long),
            ],
            context: [
                .init("serviceName", .string), .init("startTime", .long), .init("node", .string), .init("pod", .string),
                .init("namespace", .string),
            ],
            parents: ["TraceAnomaly"]
        ),
        EventsFile.Line(
            name: "ContainerAnomaly",
            payload: [.init("container", .string)],
            context: [.init("namespace", .string)],
            parents: ["Anomaly"]
        ),
        EventsFile.Line(
            name: "ContainerHighCPUUsage",
            payload: [.init("container", .string), .init("highUsage", .float)],
            context: [.init("cpuLimit", .float), .init("pod", .string), .init("namespace", .string)],
            parents: ["ContainerAnomaly"]
        ),
        EventsFile.Line(name: "KubeEvent", payload: [], context: [], parents: []),
        EventsFile.Line(
            name: "PulledImageEvent",
            payload: [.init("pulledImage", .string)],
            context: [.init("namespace", .string)],
            parents: ["KubeEvent"]
        ),
    ]

    /// Declares `HLEvent` and every line's schema, and adds the routing statements.
    public static func install(in r: Runtime) throws(EPLSyntaxError) {
        try EventsFile(lines: self.lines).install(in: r)
    }
}
