extension Value {
    /// The hash key of one or more key values: the value itself, or an array of them.
    static func key(_ values: [Value]) -> Value {
        values.count == 1 ? values[0] : .array(values)
    }

    /// The hash key of `exprs` evaluated in `context` (no array for a single expression).
    static func key(of exprs: [CompiledExpr], in context: EvalContext) -> Value {
        exprs.count == 1 ? exprs[0](context) : .array(exprs.map { $0(context) })
    }

    /// Whether the value is null or an array holding a null (a key that can never be equal).
    var containsNull: Bool {
        switch self {
        case .null: return true
        case .array(let items): return items.contains { $0.isNull }
        default: return false
        }
    }
}

/// A key value with its hash computed once (by ``KeyHasher``): keys are often tag maps or arrays of
/// strings, costly to hash, and are looked up in several tables (pattern waits, groups, output rows).
struct HashedValue: Hashable {
    let value: Value
    let hash: Int

    init(_ value: Value) {
        self.value = value
        self.hash = KeyHasher.hash(value)
    }

    static let null = HashedValue(.null)

    static func == (a: HashedValue, b: HashedValue) -> Bool { a.hash == b.hash && a.value == b.value }
    func hash(into hasher: inout Hasher) { hasher.combine(self.hash) }
    /// What `Dictionary` and `Set` bucket by: the stored hash, already mixed (and seeded per process) by
    /// ``KeyHasher``, so a lookup runs no SipHash over it.
    func _rawHashValue(seed: Int) -> Int { self.hash ^ seed }
}

/// A key that is a ``KeyHasher`` hash itself (``GroupIndex``'s buckets): `Dictionary` buckets it by the
/// hash as it is, without SipHash over an `Int`.
struct HashKey: Hashable {
    let hash: Int
    func hash(into hasher: inout Hasher) { hasher.combine(self.hash) }
    func _rawHashValue(seed: Int) -> Int { self.hash ^ seed }
}
