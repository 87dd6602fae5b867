/// A context declaration compiled: how events pick, start and end partitions.
struct ContextRules {
    /// A start or end condition, compiled.
    enum Condition {
        case now
        case after(Int64)
        case crontab(Crontab)
        /// An event of `type` passing `test`, evaluated on the tuple `(candidate, starting event)`.
        case filter(type: EventType, test: CompiledExpr?, alias: String?)
        /// A pattern's first match; `make` starts a fresh matcher, `tags` are the match's tag slots.
        case pattern(make: () -> PatternEngine, types: [EventType], tags: [(name: String, slot: Int)])

        var alias: String? {
            if case .filter(_, _, let alias) = self { return alias }
            return nil
        }
    }

    /// One keyed stream: its type, filter and key expressions (over the event alone).
    struct KeyedStream {
        let type: EventType
        let filter: CompiledExpr?
        let keys: [CompiledExpr]
    }

    enum Kind {
        case keyed([KeyedStream], terminator: (condition: Condition, keys: [CompiledExpr])?)
        case category(type: EventType, filter: CompiledExpr?, conditions: [CompiledExpr], labels: [String])
        case temporal(start: Condition, end: Condition, overlapping: Bool)
    }

    let name: String
    let kind: Kind
    /// Evaluates filters and keys.
    let context: EvalContext
    /// The tuple type conditions read: the candidate, then the starting event.
    let tupleType: EventType

    /// The types whose events the context itself reads (besides the statement's own).
    var types: [EventType] {
        func of(_ c: Condition) -> [EventType] {
            switch c {
            case .filter(let t, _, _): return [t]
            case .pattern(_, let types, _): return types
            case .now, .after, .crontab: return []
            }
        }
        switch self.kind {
        case .keyed(let streams, let terminator):
            return streams.map(\.type) + (terminator.map { of($0.condition) } ?? [])
        case .category(let type, _, _, _): return [type]
        case .temporal(let start, let end, _): return of(start) + of(end)
        }
    }

    /// The `context` properties a pattern condition's match gives: each tag's event.
    static func properties(of match: EngineEvent, tags: [(name: String, slot: Int)]) -> [(String, Value)] {
        tags.map { ($0.name, match.part($0.slot)?.value ?? .null) }
    }

    /// Whether `event` meets `condition` (an event condition), given the partition's starting event.
    func meets(_ condition: Condition, _ event: EngineEvent, start: EngineEvent?) -> Bool {
        guard case .filter(let type, let test, _) = condition, event.type.isSubtype(of: type) else { return false }
        guard let test else { return true }
        self.context.event = EngineEvent(
            type: self.tupleType,
            timestamp: event.timestamp,
            body: .tuple([event, start])
        )
        return test(self.context).isTrue
    }

    /// `exprs` evaluated on `event` alone.
    func values(_ exprs: [CompiledExpr], of event: EngineEvent) -> [Value] {
        self.context.event = event
        return exprs.map { $0(self.context) }
    }

    /// Whether `event` passes `filter` (evaluated on the event alone).
    func passes(_ filter: CompiledExpr?, _ event: EngineEvent) -> Bool {
        guard let filter else { return true }
        self.context.event = event
        return filter(self.context).isTrue
    }
}
