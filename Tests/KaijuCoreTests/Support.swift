import KaijuCore

/// Collects every output row as "TIME STATEMENT {row}" lines, in the order emitted.
final class Collector {
    var lines: [String] = []

    var listener: StatementListener {
        { output in
            for row in output.rows { self.lines.append("\(output.time) \(output.statement) \(row.jsonString)") }
        }
    }

    /// Returns and clears what was collected.
    func take() -> [String] {
        defer { self.lines.removeAll() }
        return self.lines
    }
}

func prop(_ path: String...) -> ExprNode { .property(stream: nil, path: path) }
func lit(_ v: Value) -> ExprNode { .literal(v) }
func col(_ e: ExprNode, _ name: String) -> StatementPlan.SelectItem { .expression(e, name: name) }
func agg(_ k: AggregateKind, _ e: ExprNode? = nil) -> ExprNode { .aggregate(k, e) }

/// A runtime on the virtual clock at 0 with a schema `S(k string, v long)`.
func makeRuntime(limits: RuntimeLimits = RuntimeLimits()) throws -> Runtime {
    let r = Runtime(clock: .virtual(startingAt: 0), limits: limits)
    try r.declare(SchemaDeclaration("S", columns: [Column("k", .string), Column("v", .long)]))
    return r
}

extension Runtime {
    func s(_ k: String, _ v: Int64, at t: Int64) throws {
        try self.send(row: [.string(k), .int(v)], type: "S", timestamp: t)
    }
}
