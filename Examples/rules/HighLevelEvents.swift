public import KaijuCore

/// The deployment's `events.txt` for kaiju-hl, as code: schemas under `HLEvent(timestamp long)` and,
/// for each type with payload keys, a statement turning every `Event` whose payload has all of them
/// into that type (columns from `payload(key)` or `context(key)`, cast to their types).
public enum HighLevelEvents {
    /// One `events.txt` line.
    public struct Line: Sendable {
        public let name: String
        public let payload: [Column]
        public let context: [Column]
        public let parents: [String]
    }

    public static let lines: [Line] = [
        Line(name: "Anomaly", payload: [], context: [], parents: []),
        Line(name: "TraceAnomaly", payload: [.init("traceId", .string)], context: [], parents: ["Anomaly"]),
        Line(
            name: "HighLatencySpan",
            payload: [.init("operationName", .string), .init("spanId", .string), .init("traceId", .string), .init("duration", .long)],
            context: [.init("serviceName", .string), .init("startTime", .long), .init("node", .string), .init("pod", .string), .init("namespace", .string)],
            parents: ["TraceAnomaly"]
        ),
        Line(name: "ContainerAnomaly", payload: [.init("container", .string)], context: [.init("namespace", .string)], parents: ["Anomaly"]),
        Line(
            name: "ContainerHighCPUUsage", payload: [.init("container", .string), .init("highUsage", .float)],
            context: [.init("cpuLimit", .float), .init("pod", .string), .init("namespace", .string)], parents: ["ContainerAnomaly"]
        ),
        Line(name: "KubeEvent", payload: [], context: [], parents: []),
        Line(name: "PulledImageEvent", payload: [.init("pulledImage", .string)], context: [.init("namespace", .string)], parents: ["KubeEvent"]),
    ]

    /// Declares `HLEvent` and every line's schema, and adds the routing statements.
    public static func install(in r: Runtime) throws(PlanError) {
        try r.declare(SchemaDeclaration("HLEvent", columns: [.init("timestamp", .long)]))
        for line in self.lines {
            try r.declare(SchemaDeclaration(line.name, columns: line.payload + line.context, inherits: ["HLEvent"] + line.parents))
        }
        for line in self.lines where !line.payload.isEmpty {
            try r.add(self.route(line), name: "route \(line.name)")
        }
    }

    /// `insert into Name select timestamp, payload('k') as k, ..., context('c') as c from Event(payload has every key)`.
    static func route(_ line: Line) -> StatementPlan {
        let payload = ExprNode.property(stream: nil, path: ["payload"])
        let context = ExprNode.property(stream: nil, path: ["context"])
        let filter = ExprNode.conjunction(line.payload.map { .call("containsKey", [payload, .literal(.string($0.name))]) })
        var select: [StatementPlan.SelectItem] = [.expression(.property(stream: nil, path: ["timestamp"]), name: "timestamp")]
        select += line.payload.map { .expression(.mapGet(payload, .literal(.string($0.name))), name: $0.name) }
        select += line.context.map { .expression(.mapGet(context, .literal(.string($0.name))), name: $0.name) }
        return StatementPlan(from: .init("Event", filter: filter), select: select, insertInto: line.name)
    }
}
