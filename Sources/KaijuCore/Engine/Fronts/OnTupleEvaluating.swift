/// An on-action front: it evaluates its expressions on tuples `(trigger, row, initial row)`.
protocol OnTupleEvaluating: AnyObject {
    var tupleType: EventType { get }
    var context: EvalContext { get }
    /// The triggering stream's filter.
    var filter: CompiledExpr? { get }
}

extension OnTupleEvaluating {
    /// The tuple of a triggering event, a row (or none) and the row's values before the action.
    @inline(__always) func tuple(_ event: EngineEvent, _ row: EngineEvent?, _ initial: EngineEvent?) -> EngineEvent {
        EngineEvent(type: self.tupleType, timestamp: event.timestamp, body: .tuple([event, row, initial]))
    }

    /// Whether `f` (none: true) holds for `tuple`.
    @inline(__always) func passes(_ f: CompiledExpr?, _ tuple: EngineEvent) -> Bool {
        guard let f else { return true }
        self.context.event = tuple
        return f(self.context).isTrue
    }

    /// Whether a triggering event passes the stream filter.
    @inline(__always) func admits(_ event: EngineEvent) -> Bool {
        guard let f = self.filter else { return true }
        self.context.event = event
        return f(self.context).isTrue
    }
}
