/// Evaluates one enumeration method over a list's elements, its lambdas binding their parameters in
/// ``EvalContext/locals``.
struct EnumerationEvaluator {
    /// A compiled argument: its lambda parameters occupy `parameters` locals from `firstSlot`.
    struct Argument {
        let firstSlot: Int
        let parameters: Int
        let body: CompiledExpr
    }

    let method: EnumerationMethod
    let arguments: [Argument]

    /// - Throws: ``PlanError`` when the arguments do not fit the method.
    init(_ method: EnumerationMethod, _ arguments: [Argument]) throws(PlanError) {
        self.method = method
        self.arguments = arguments
        let lambdas = arguments.map(\.parameters)
        let fits: Bool
        switch method {
        case .selectFrom, .orderBy, .orderByDesc: fits = lambdas == [1] || (method != .selectFrom && lambdas.isEmpty)
        case .take, .takeLast: fits = lambdas == [0]
        case .reverse: fits = lambdas.isEmpty
        case .aggregate: fits = lambdas == [0, 2]
        case .toMap: fits = lambdas == [1, 1]
        case .groupBy: fits = lambdas == [1] || lambdas == [1, 1]
        default: fits = lambdas.isEmpty || lambdas == [1] || lambdas == [0]
        }
        guard fits else {
            throw PlanError(
                .invalid,
                "\(method.rawValue) does not take these arguments (lambdas of \(lambdas) parameters)"
            )
        }
    }

    /// `argument`'s value with its parameters bound to `values`.
    private func call(_ argument: Argument, _ values: Value..., in ctx: EvalContext) -> Value {
        let needed = argument.firstSlot + argument.parameters
        if ctx.locals.count < needed {
            ctx.locals.append(contentsOf: repeatElement(.null, count: needed - ctx.locals.count))
        }
        for (i, v) in values.prefix(argument.parameters).enumerated() { ctx.locals[argument.firstSlot + i] = v }
        return argument.body(ctx)
    }

    /// The first argument applied to `v` (`v` itself without one).
    private func key(_ v: Value, _ ctx: EvalContext) -> Value {
        guard let f = self.arguments.first else { return v }
        return self.call(f, v, in: ctx)
    }

    private func holds(_ v: Value, _ ctx: EvalContext) -> Bool {
        guard let f = self.arguments.first else { return true }
        return self.call(f, v, in: ctx).isTrue
    }

    func apply(_ elements: [Value], _ ctx: EvalContext) -> Value {
        switch self.method {
        case .firstOf: return elements.first { self.holds($0, ctx) } ?? .null
        case .lastOf: return elements.last { self.holds($0, ctx) } ?? .null
        case .where: return .array(elements.filter { self.holds($0, ctx) })
        case .anyOf: return .bool(elements.contains { self.holds($0, ctx) })
        case .allOf: return .bool(elements.allSatisfy { self.holds($0, ctx) })
        case .countOf: return .int(Int64(elements.count { self.holds($0, ctx) }))
        case .selectFrom: return .array(elements.map { self.key($0, ctx) })
        case .distinctOf:
            var seen = Set<HashedValue>()
            return .array(elements.filter { seen.insert(HashedValue(self.key($0, ctx))).inserted })
        case .sumOf, .average:
            var ints: Int64 = 0
            var doubles = 0.0
            var n = 0
            var allInts = true
            for e in elements {
                switch self.key(e, ctx) {
                case .int(let i):
                    ints &+= i
                    n += 1
                case .double(let d):
                    doubles += d
                    n += 1
                    allInts = false
                default: continue
                }
            }
            guard n > 0 else { return .null }
            if self.method == .average { return .double((doubles + Double(ints)) / Double(n)) }
            return allInts ? .int(ints) : .double(doubles + Double(ints))
        case .max, .min:
            var best: Value = .null
            for e in elements {
                let k = self.key(e, ctx)
                if k.isNull { continue }
                if best.isNull
                    || (self.method == .max
                        ? Value.eplCompare(k, best) == .orderedDescending
                        : Value.eplCompare(k, best) == .orderedAscending)
                {
                    best = k
                }
            }
            return best
        case .orderBy, .orderByDesc:
            let keyed = elements.map { (self.key($0, ctx), $0) }
            let descending = self.method == .orderByDesc
            let sorted = keyed.enumerated().sorted { a, b in
                if a.element.0 != b.element.0 {
                    return descending ? b.element.0 < a.element.0 : a.element.0 < b.element.0
                }
                return a.offset < b.offset
            }
            return .array(sorted.map(\.element.1))
        case .take, .takeLast:
            guard let f = self.arguments.first, let n = f.body(ctx).intValue else { return .null }
            let count = Int(clamping: Swift.max(n, 0))
            return .array(self.method == .take ? Array(elements.prefix(count)) : Array(elements.suffix(count)))
        case .reverse:
            return .array(elements.reversed())
        case .aggregate:
            var accumulator = self.arguments[0].body(ctx)
            for e in elements { accumulator = self.call(self.arguments[1], accumulator, e, in: ctx) }
            return accumulator
        case .mostFrequent, .leastFrequent:
            var counts: [HashedValue: Int] = [:]
            var order: [Value] = []
            for e in elements {
                let k = self.key(e, ctx)
                let h = HashedValue(k)
                if counts[h] == nil { order.append(k) }
                counts[h, default: 0] += 1
            }
            var best: (Value, Int)?
            for k in order {
                let n = counts[HashedValue(k)] ?? 0
                if let b = best, self.method == .mostFrequent ? n <= b.1 : n >= b.1 { continue }
                best = (k, n)
            }
            return best?.0 ?? .null
        case .toMap, .groupBy:
            var keys: [String] = []
            var values: [String: [Value]] = [:]
            for e in elements {
                let k = self.call(self.arguments[0], e, in: ctx)
                guard !k.isNull else { continue }
                let name = k.displayString
                let v = self.arguments.count > 1 ? self.call(self.arguments[1], e, in: ctx) : e
                if values[name] == nil { keys.append(name) }
                if self.method == .toMap { values[name] = [v] } else { values[name, default: []].append(v) }
            }
            return .object(
                ValueMap(
                    keys.map { k in
                        ValueMap.Entry(
                            key: k,
                            value: self.method == .toMap ? values[k]?.first ?? .null : .array(values[k] ?? [])
                        )
                    }
                )
            )
        }
    }
}
