/// A pattern compiled for one statement: the operator tree with atoms resolved to compiled filters.
indirect enum PatternProgram {
    case atom(Int)
    case followedBy(PatternProgram, PatternProgram)
    case and([PatternProgram])
    case or([PatternProgram])
    case not(PatternProgram)
    case every(PatternProgram)
    case repeatCount(Int, PatternProgram)
    case within(Int64, PatternProgram)
    case interval(Int64)
    case at(Crontab)
    /// `[min:max] child until stop`; `arraySlots` are the slots of the child's tags (arrays once collected).
    case repeatUntil(min: Int, max: Int?, PatternProgram, until: PatternProgram?, arraySlots: [Int])
    /// `every-distinct(keys [, expiry ms]) child`.
    case everyDistinct([CompiledExpr], expiry: Int64?, PatternProgram)
    /// `child while (condition)`.
    case whileGuard(CompiledExpr, PatternProgram)
}

/// One `tag=Type(filter)` of a pattern, its filter split for fast matching:
/// - `ownFilter`: conjuncts reading only the candidate event (`name='cpu'`), checked once per event;
/// - `ownKey` / `boundKey`: equalities between the candidate and earlier tags (`m2.tags = m1.tags`),
///   so waiting instances sit in a hash index keyed by the earlier tags' values;
/// - `residual`: the rest, evaluated against the tuple of tags with the candidate in place.
/// A class, so the hot path reads its filters without copying (and retaining) each of them.
final class PatternAtom {
    let type: EventType
    /// The atom's position in the match tuple.
    let slot: Int
    let ownFilter: CompiledExpr?
    let ownKey: [CompiledExpr]
    let boundKey: [CompiledExpr]
    let residual: CompiledExpr?
    /// The whole filter over the tuple, for instances whose key could not be computed at start
    /// (a tag bound later by an `and` sibling).
    let tupleFilter: CompiledExpr?
    /// The expressions behind ``ownKey`` and ``boundKey``, for matchers that compile them differently.
    let ownKeyNodes: [ExprNode]
    let boundKeyNodes: [ExprNode]
    /// `@consume(level)`: 0 without it.
    var consumeLevel = 0

    init(
        type: EventType,
        slot: Int,
        ownFilter: CompiledExpr?,
        ownKey: [CompiledExpr],
        boundKey: [CompiledExpr],
        residual: CompiledExpr?,
        tupleFilter: CompiledExpr?,
        ownKeyNodes: [ExprNode],
        boundKeyNodes: [ExprNode]
    ) {
        self.ownKeyNodes = ownKeyNodes
        self.boundKeyNodes = boundKeyNodes
        self.type = type
        self.slot = slot
        self.ownFilter = ownFilter
        self.ownKey = ownKey
        self.boundKey = boundKey
        self.residual = residual
        self.tupleFilter = tupleFilter
    }
}

/// Compiles a ``PatternNode`` into atoms and a program.
struct PatternCompiler {
    let types: TypeRegistry
    let tables: [String: Table]
    /// Variables the atoms' filters can read.
    var variables: [String: VariableCell] = [:]
    private(set) var atoms: [PatternAtom] = []
    /// One binding per tuple slot: every tag, then a hidden slot per untagged atom.
    private(set) var bindings: [StreamBinding] = []
    /// Whether an atom has `@consume` (the engine then resolves which atoms an event goes to).
    private(set) var consumes = false
    /// Tags of the repeat being compiled, which its own expressions read as single events.
    private var singleTags: Set<String> = []

    init(types: TypeRegistry, tables: [String: Table]) {
        self.types = types
        self.tables = tables
    }

    /// Compiles `node`; afterwards ``bindings`` lists the tuple's slots.
    mutating func compile(_ node: PatternNode) throws(PlanError) -> PatternProgram {
        try self.declareSlots(node)
        return try self.program(node, insideRepeat: false)
    }

    private mutating func declareSlots(_ node: PatternNode) throws(PlanError) {
        var tagTypes: [(String, EventType)] = []
        var hidden = 0
        var failure: PlanError?
        func walk(_ n: PatternNode) {
            switch n {
            case .atom(let tag, let typeName, _):
                guard let t = self.types[typeName] else {
                    failure =
                        failure
                        ?? PlanError(
                            .unknownType,
                            "unknown event type '\(typeName)' in pattern atom \(n)",
                            subject: typeName
                        )
                    return
                }
                if let tag {
                    if let existing = tagTypes.first(where: { $0.0 == tag }) {
                        if existing.1 !== t {
                            failure =
                                failure
                                ?? PlanError(
                                    .duplicate,
                                    "tag '\(tag)' is bound to both \(existing.1.name) and \(t.name)",
                                    subject: tag
                                )
                        }
                    } else {
                        tagTypes.append((tag, t))
                    }
                } else {
                    hidden += 1
                }
            case .followedBy(let a, let b):
                walk(a)
                walk(b)
            case .and(let xs), .or(let xs):
                for x in xs { walk(x) }
            case .not(let x), .every(let x), .repeatCount(_, let x), .within(_, let x), .everyDistinct(_, _, let x),
                .whileGuard(_, let x), .consume(_, let x):
                walk(x)
            case .repeatUntil(_, _, let x, let until):
                arrays.formUnion(x.tags)
                walk(x)
                if let until { walk(until) }
            case .interval, .at:
                break
            }
        }
        var arrays: Set<String> = []
        walk(node)
        if let failure { throw failure }
        self.bindings = tagTypes.enumerated().map {
            StreamBinding(alias: $1.0, type: $1.1, slot: $0, isArray: arrays.contains($1.0))
        }
    }

    private mutating func program(_ node: PatternNode, insideRepeat: Bool) throws(PlanError) -> PatternProgram {
        switch node {
        case .atom(let tag, let typeName, let filter):
            if insideRepeat, let tag {
                throw PlanError(
                    .invalid,
                    "tag '\(tag)' inside a repeat ([n]) is not supported; tag the events outside the repeat",
                    subject: tag
                )
            }
            let type = self.types[typeName]!
            let slot: Int
            if let tag {
                slot = self.bindings.firstIndex { $0.alias == tag }!
            } else {
                slot = self.bindings.count
                self.bindings.append(StreamBinding(alias: "#\(slot)", type: type, slot: slot))
            }
            self.atoms.append(try self.atom(type: type, slot: slot, filter: filter))
            return .atom(self.atoms.count - 1)
        case .followedBy(let a, let b):
            return .followedBy(
                try self.program(a, insideRepeat: insideRepeat),
                try self.program(b, insideRepeat: insideRepeat)
            )
        case .and(let xs):
            guard xs.count >= 2 else { throw PlanError(.invalid, "'and' needs two or more operands", subject: "and") }
            var out: [PatternProgram] = []
            for x in xs { out.append(try self.program(x, insideRepeat: insideRepeat)) }
            return .and(out)
        case .or(let xs):
            guard xs.count >= 2 else { throw PlanError(.invalid, "'or' needs two or more operands", subject: "or") }
            var out: [PatternProgram] = []
            for x in xs { out.append(try self.program(x, insideRepeat: insideRepeat)) }
            return .or(out)
        case .not(let x):
            return .not(try self.program(x, insideRepeat: insideRepeat))
        case .every(let x):
            return .every(try self.program(x, insideRepeat: insideRepeat))
        case .repeatCount(let n, let x):
            guard n >= 1 else { throw PlanError(.invalid, "a repeat count must be at least 1, got [\(n)]") }
            return .repeatCount(n, try self.program(x, insideRepeat: true))
        case .within(let d, let x):
            guard d.milliseconds > 0 else { throw PlanError(.invalid, "timer:within needs a positive period") }
            return .within(d.milliseconds, try self.program(x, insideRepeat: insideRepeat))
        case .interval(let d):
            guard d.milliseconds >= 0 else { throw PlanError(.invalid, "timer:interval needs a period of 0 or more") }
            return .interval(d.milliseconds)
        case .at(let schedule):
            return .at(schedule)
        case .repeatUntil(let lo, let hi, let x, let until):
            guard lo >= 0, hi.map({ $0 >= max(lo, 1) }) ?? true, hi != nil || until != nil else {
                throw PlanError(
                    .invalid,
                    "a repeat range needs 0 <= low <= high and high >= 1 (and 'until' without a high bound)"
                )
            }
            let tags = x.tags
            if x.repeatsTags {
                throw PlanError(.invalid, "tags inside a repeat inside a repeat are not supported", subject: tags.first)
            }
            let outer = self.singleTags
            self.singleTags.formUnion(tags)
            let child = try self.program(x, insideRepeat: insideRepeat)
            self.singleTags = outer
            let slots = tags.compactMap { t in self.bindings.firstIndex { $0.alias == t } }
            return .repeatUntil(
                min: lo,
                max: hi,
                child,
                until: try until.map { (u) throws(PlanError) in try self.program(u, insideRepeat: insideRepeat) },
                arraySlots: slots
            )
        case .everyDistinct(let keys, let expiry, let x):
            guard !keys.isEmpty else { throw PlanError(.invalid, "every-distinct needs at least one expression") }
            if let expiry, expiry.milliseconds <= 0 {
                throw PlanError(.invalid, "every-distinct needs a positive expiry period")
            }
            let child = try self.program(x, insideRepeat: insideRepeat)
            var compiler = self.tupleCompiler()
            var compiled: [CompiledExpr] = []
            for k in keys { compiled.append(try compiler.compileRow(k, clause: "every-distinct")) }
            return .everyDistinct(compiled, expiry: expiry?.milliseconds, child)
        case .whileGuard(let c, let x):
            let child = try self.program(x, insideRepeat: insideRepeat)
            var compiler = self.tupleCompiler()
            return .whileGuard(try compiler.compileCondition(c, clause: "a while guard"), child)
        case .consume(let level, let x):
            guard case .atom = x, level >= 1 else {
                throw PlanError(.invalid, "@consume applies to a filter atom, with a level of 1 or more")
            }
            let compiled = try self.program(x, insideRepeat: insideRepeat)
            self.atoms[self.atoms.count - 1].consumeLevel = level
            self.consumes = true
            return compiled
        }
    }

    /// A compiler over the match tuple as expressions inside the current repeat see it: the repeat's own
    /// tags as single events, other repeats' tags as arrays.
    func tupleCompiler(defaultStream: Int? = nil) -> ExprCompiler {
        var bindings = self.bindings
        for i in bindings.indices where bindings[i].isArray && self.singleTags.contains(bindings[i].alias ?? "") {
            bindings[i].isArray = false
        }
        var c = ExprCompiler(streams: bindings, tupled: true, defaultStream: defaultStream)
        c.tables = self.tables
        c.variables = self.variables
        return c
    }

    /// A compiler for expressions over the lone event of tuple slot `slot`.
    func singleEventCompiler(slot: Int) -> ExprCompiler {
        var c = ExprCompiler(
            streams: [StreamBinding(alias: self.bindings[slot].alias, type: self.bindings[slot].type, slot: 0)],
            tupled: false,
            defaultStream: 0
        )
        c.tables = self.tables
        c.variables = self.variables
        return c
    }

    private func atom(type: EventType, slot: Int, filter: ExprNode?) throws(PlanError) -> PatternAtom {
        var tupled = self.tupleCompiler(defaultStream: slot)
        var own = self.singleEventCompiler(slot: slot)
        var ownParts: [ExprNode] = []
        var keyOwn: [ExprNode] = []
        var keyBound: [ExprNode] = []
        var rest: [ExprNode] = []
        for c in filter?.conjuncts ?? [] {
            let reads = tupled.streamsRead(by: c)
            if reads.isSubset(of: [slot]) {
                ownParts.append(c)
            } else if case .binary(.equal, let l, let r) = c, let (o, b) = Self.split(l, r, own: slot, tupled) {
                keyOwn.append(o)
                keyBound.append(b)
            } else {
                rest.append(c)
            }
        }
        var ownKey: [CompiledExpr] = []
        for k in keyOwn { ownKey.append(try own.compileRow(k, clause: "a pattern filter")) }
        var boundKey: [CompiledExpr] = []
        for k in keyBound { boundKey.append(try tupled.compileRow(k, clause: "a pattern filter")) }
        return PatternAtom(
            type: type,
            slot: slot,
            ownFilter: try ExprNode.conjunction(ownParts).map { (f) throws(PlanError) in
                try own.compileRow(f, clause: "a pattern filter")
            },
            ownKey: ownKey,
            boundKey: boundKey,
            residual: try ExprNode.conjunction(rest).map { (f) throws(PlanError) in
                try tupled.compileRow(f, clause: "a pattern filter")
            },
            tupleFilter: try ExprNode.conjunction(
                keyOwn.indices.map { ExprNode.binary(.equal, keyOwn[$0], keyBound[$0]) } + rest
            )
            .map { (f) throws(PlanError) in try tupled.compileRow(f, clause: "a pattern filter") },
            ownKeyNodes: keyOwn,
            boundKeyNodes: keyBound
        )
    }

    /// `(own side, bound side)` of an equality between the candidate and other tags, if it is one.
    private static func split(_ l: ExprNode, _ r: ExprNode, own: Int, _ c: ExprCompiler) -> (ExprNode, ExprNode)? {
        let (lr, rr) = (c.streamsRead(by: l), c.streamsRead(by: r))
        if lr == [own], !rr.isEmpty, !rr.contains(own) { return (l, r) }
        if rr == [own], !lr.isEmpty, !lr.contains(own) { return (r, l) }
        return nil
    }
}
