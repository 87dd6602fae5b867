/// `every a=A(...) -> b=B(...)` without guards — Q1a's shape and the most common pattern — matched
/// without the general state tree: each `a` leaves one pending wait (just the `a` event), kept in a
/// hash index by `b`'s equality correlation; each `b` completes and removes the waits it matches.
///
/// Produces exactly what ``PatternEngine`` produces for this shape (a differential test checks it):
/// an event is tested only against waits that existed before it, matches come out in wait order, and
/// live waits (including the one `every` keeps for `a`) count against the instance limit.
final class EveryFollowedByMatcher: PatternMatcher {
    private struct Wait {
        let seq: Int64
        /// The event that matched `a`.
        let first: EngineEvent
    }

    /// The waits of one key, oldest first; a single wait needs no array.
    private struct Chain {
        var first: Wait
        var rest: [Wait] = []
        var count: Int { 1 + self.rest.count }
    }

    let first: PatternAtom
    let second: PatternAtom
    let tupleType: EventType
    let slotCount: Int
    let context: EvalContext
    let maxInstances: Int
    /// `b`'s correlation key read from the `a` event alone (no start tuple needed).
    let keyOfFirst: [CompiledExpr]
    /// Whether `b`'s key of an event equals its key as an `a` (`m2.tags = m1.tags` over one type), so an
    /// event that is both computes it once.
    let keysCoincide: Bool

    @exclusivity(unchecked) private var keyed: [HashedValue: Chain] = [:]
    /// A chain whose waits the event being received all took, left in place until the end of
    /// ``receive(_:into:)`` so that a wait the same event starts under the same key takes its slot:
    /// one hash operation instead of a removal and an insertion.
    @exclusivity(unchecked) private var vacated: Dictionary<HashedValue, Chain>.Index?
    /// Waits whose key could not be computed (or all waits when `b` is not indexed), oldest first.
    @exclusivity(unchecked) private var unkeyed: [Wait] = []
    @exclusivity(unchecked) private var seq: Int64 = 0
    /// The sequence number of `every`'s current wait for `a`.
    @exclusivity(unchecked) private var firstSeq: Int64 = 0
    @exclusivity(unchecked) private var pending = 0
    @exclusivity(unchecked) private var scratch: [Wait] = []
    @exclusivity(unchecked) private var running = false
    @exclusivity(unchecked) private(set) var droppedInstances = 0

    /// The matcher for `program` if it has this shape.
    static func make(
        _ program: PatternProgram,
        compiler: PatternCompiler,
        tupleType: EventType,
        slotCount: Int,
        context: EvalContext,
        maxInstances: Int
    ) -> EveryFollowedByMatcher? {
        let atoms = compiler.atoms
        guard case .followedBy(.every(.atom(let a)), .atom(let b)) = program, a != b,
            atoms[a].ownKey.isEmpty, atoms[a].residual == nil, atoms[a].tupleFilter == nil
        else { return nil }
        var single = compiler.singleEventCompiler(slot: atoms[a].slot)
        var keyOfFirst: [CompiledExpr] = []
        for node in atoms[b].boundKeyNodes {
            guard let k = try? single.compileRow(node, clause: "a pattern filter") else { return nil }
            keyOfFirst.append(k)
        }
        let (aliasA, aliasB) = (compiler.bindings[atoms[a].slot].alias, compiler.bindings[atoms[b].slot].alias)
        let coincide =
            atoms[a].type === atoms[b].type && aliasA != nil
            && atoms[b].ownKeyNodes.map { $0.readingStream(aliasA!, insteadOf: aliasB) } == atoms[b].boundKeyNodes
        return EveryFollowedByMatcher(
            first: atoms[a],
            second: atoms[b],
            tupleType: tupleType,
            slotCount: slotCount,
            context: context,
            maxInstances: maxInstances,
            keyOfFirst: keyOfFirst,
            keysCoincide: coincide
        )
    }

    private init(
        first: PatternAtom,
        second: PatternAtom,
        tupleType: EventType,
        slotCount: Int,
        context: EvalContext,
        maxInstances: Int,
        keyOfFirst: [CompiledExpr],
        keysCoincide: Bool
    ) {
        self.first = first
        self.second = second
        self.tupleType = tupleType
        self.slotCount = slotCount
        self.context = context
        self.maxInstances = maxInstances
        self.keyOfFirst = keyOfFirst
        self.keysCoincide = keysCoincide
    }

    var inputTypes: [EventType] { [self.first, self.second].distinctTypes }
    var liveInstances: Int { self.running ? 1 + self.pending : 0 }

    func start(now: Int64, into out: inout [EngineEvent]) {
        self.running = true
        self.seq += 1
        self.firstSeq = self.seq
    }

    func stop() {
        self.running = false
        self.keyed = [:]
        self.vacated = nil
        self.unkeyed = []
        self.pending = 0
    }

    func fire(_ timer: PatternTimer, now: Int64, into out: inout [EngineEvent]) {}

    func takeTimers() -> [(at: Int64, timer: PatternTimer)] { [] }

    func receive(_ event: EngineEvent, now: Int64, into out: inout [EngineEvent]) {
        guard self.running else { return }
        let startsWait = self.matchesOwn(self.first, event)
        var matched = self.scratch
        self.scratch = []
        defer {
            matched.clear()
            self.scratch = matched
        }
        var ownKey: HashedValue??
        if self.pending > 0 && self.matchesOwn(self.second, event) {
            ownKey = self.takeWaits(completedBy: event, into: &matched)
        }
        // Waits older than `every`'s current wait for `a` complete first, then `a` starts its wait, then the rest.
        var older = 0
        while older < matched.count && matched[older].seq < self.firstSeq { older += 1 }
        self.pending -= older
        if startsWait { self.startWait(event, key: self.keysCoincide ? ownKey : nil) }
        if let index = self.vacated {
            self.keyed.remove(at: index)
            self.vacated = nil
        }
        self.pending -= matched.count - older
        for w in matched { out.append(self.tuple(w.first, event)) }
    }

    // MARK: - Matching

    private func matchesOwn(_ atom: PatternAtom, _ event: EngineEvent) -> Bool {
        guard event.type.isSubtype(of: atom.type) else { return false }
        guard let f = atom.ownFilter else { return true }
        self.context.event = event
        return f(self.context).isTrue
    }

    /// Moves the waits `event` completes (passing the residual filter) into `out`, oldest first;
    /// the caller counts them out of ``pending``. Returns the event's key (`.some(nil)`: it has a null).
    private func takeWaits(completedBy event: EngineEvent, into out: inout [Wait]) -> HashedValue?? {
        let atom = self.second
        var ownKey: HashedValue??
        if !atom.ownKey.isEmpty {
            self.context.event = event
            let key = Value.key(of: atom.ownKey, in: self.context)
            if key.containsNull {
                ownKey = .some(nil)
            } else {
                let hashed = HashedValue(key)
                ownKey = hashed
                self.takeKeyed(hashed, event, into: &out)
            }
        }
        if !self.unkeyed.isEmpty {
            let before = out.count
            self.unkeyed.removeAll { w in
                guard self.passes(atom.tupleFilter, w.first, event) else { return false }
                out.append(w)
                return true
            }
            if before > 0 && out.count > before { out.sort { $0.seq < $1.seq } }
        }
        return ownKey
    }

    private func takeKeyed(_ key: HashedValue, _ event: EngineEvent, into out: inout [Wait]) {
        guard let index = self.keyed.index(forKey: key) else { return }
        let residual = self.second.residual
        if residual == nil {
            let chain = self.keyed.values[index]
            out.append(chain.first)
            out.append(contentsOf: chain.rest)
            self.vacated = index
            return
        }
        let chain = self.keyed.values[index]
        var kept: [Wait] = []
        for w in [chain.first] + chain.rest {
            if self.passes(residual, w.first, event) { out.append(w) } else { kept.append(w) }
        }
        if let head = kept.first {
            self.keyed.values[index] = Chain(first: head, rest: Array(kept.dropFirst()))
        } else {
            self.keyed.remove(at: index)
        }
    }

    private func passes(_ check: CompiledExpr?, _ first: EngineEvent, _ event: EngineEvent) -> Bool {
        guard let check else { return true }
        self.context.event = self.tuple(first, event)
        return check(self.context).isTrue
    }

    /// `every` restarts `a`'s wait, then `a`'s match starts a wait for `b` (if the limit allows).
    /// `known` is the wait's key when already computed (`.some(nil)`: it has a null).
    private func startWait(_ event: EngineEvent, key known: HashedValue??) {
        self.seq += 1
        self.firstSeq = self.seq
        guard 1 + self.pending < self.maxInstances else {
            self.droppedInstances += 1
            return
        }
        self.seq += 1
        let wait = Wait(seq: self.seq, first: event)
        self.pending += 1
        var key = known
        if key == nil && !self.keyOfFirst.isEmpty {
            self.context.event = event
            let k = Value.key(of: self.keyOfFirst, in: self.context)
            key = k.containsNull ? .some(nil) : HashedValue(k)
        }
        guard let hashed = key ?? nil else {
            self.unkeyed.append(wait)
            return
        }
        if let index = self.vacated {
            // Reuse the slot, or free it before an insertion can move the table's contents.
            self.vacated = nil
            // A known key is the one the event's waits were taken under: the slot is its own.
            if known != nil || self.keyed.keys[index] == hashed {
                self.keyed.values[index] = Chain(first: wait)
                return
            }
            self.keyed.remove(at: index)
        }
        if let index = self.keyed.index(forKey: hashed) {
            self.keyed.values[index].rest.append(wait)
        } else {
            self.keyed[hashed] = Chain(first: wait)
        }
    }

    /// The match tuple of `first` (as `a`) and `event` (as `b`).
    private func tuple(_ first: EngineEvent, _ event: EngineEvent) -> EngineEvent {
        let (a, b) = (self.first.slot, self.second.slot)
        let parts = [EngineEvent?](unsafeUninitializedCapacity: self.slotCount) { buffer, count in
            for i in 0..<buffer.count {
                (buffer.baseAddress! + i).initialize(to: i == a ? first : i == b ? event : nil)
            }
            count = buffer.count
        }
        return EngineEvent(type: self.tupleType, timestamp: event.timestamp, body: .tuple(parts))
    }
}

extension ExprNode {
    /// The node with reads of stream `old` (or of the default stream) made reads of stream `new`;
    /// nil for expressions this does not cover.
    func readingStream(_ new: String, insteadOf old: String?) -> ExprNode? {
        func stream(_ s: String?) -> String? { s == nil || s == old ? new : s }
        switch self {
        case .literal, .currentTimestamp:
            return self
        case .property(let s, let path):
            return .property(stream: stream(s), path: path)
        case .native(let a):
            return .native(NativeAccessor(identity: a.identity, stream: stream(a.stream), label: a.label, read: a.read))
        case .mapGet(let m, let k):
            guard let m = m.readingStream(new, insteadOf: old), let k = k.readingStream(new, insteadOf: old) else {
                return nil
            }
            return .mapGet(m, k)
        case .member(let e, let name):
            return e.readingStream(new, insteadOf: old).map { .member($0, name) }
        case .unary(let op, let e):
            return e.readingStream(new, insteadOf: old).map { .unary(op, $0) }
        case .binary(let op, let l, let r):
            guard let l = l.readingStream(new, insteadOf: old), let r = r.readingStream(new, insteadOf: old) else {
                return nil
            }
            return .binary(op, l, r)
        default:
            return nil
        }
    }
}
