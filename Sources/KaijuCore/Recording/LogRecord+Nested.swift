extension LogRecord {
    /// The record as it was received, nested again from its flattened keys (`a.b` → `{"a":{"b":…}}`,
    /// `k[0]` → `{"k":[…]}`), which is how a recording stores it. When the keys cannot be nested back
    /// into something that flattens to the same fields (a key both a value and a parent), the flat
    /// fields are returned: either way, reading the record back gives these fields.
    public var nestedRecord: ValueMap {
        let root = NestNode()
        for e in self.fields {
            guard let path = Self.segments(e.key) else { return self.fields }
            root.insert(path[...], e.value)
        }
        guard case .object(let nested)? = root.value, LogRecord(timestamp: 0, record: nested).fields == self.fields
        else { return self.fields }
        return nested
    }

    /// One path step: a key or an array index.
    enum Segment: Hashable {
        case key(String)
        case index(Int)
    }

    /// `a.b[1].c` → key a, key b, index 1, key c; nil for an empty segment.
    static func segments(_ key: String) -> [Segment]? {
        var out: [Segment] = []
        for part in key.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var indices: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "["),
                let i = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
            {
                indices.insert(i, at: 0)
                name = name[..<open]
            }
            guard !name.isEmpty else { return nil }
            out.append(.key(String(name)))
            out += indices.map { .index($0) }
        }
        return out
    }
}

/// A node of the record being nested back: a value, or children by key (in first-seen order) or index.
private final class NestNode {
    var leaf: Value?
    var keys: [String] = []
    var children: [Segment: NestNode] = [:]
    typealias Segment = LogRecord.Segment

    func insert(_ path: ArraySlice<Segment>, _ value: Value) {
        guard let first = path.first else {
            self.leaf = value
            return
        }
        let child: NestNode
        if let c = self.children[first] {
            child = c
        } else {
            child = NestNode()
            self.children[first] = child
            if case .key(let k) = first { self.keys.append(k) }
        }
        child.insert(path.dropFirst(), value)
    }

    /// The node as a value; nil when it mixes a value with children or keys with indices, or an array has gaps.
    var value: Value? {
        if let leaf = self.leaf { return self.children.isEmpty ? leaf : nil }
        let indices = self.children.keys.compactMap { if case .index(let i) = $0 { return i } else { return nil } }
        if indices.isEmpty {
            var entries: [ValueMap.Entry] = []
            for k in self.keys {
                guard let v = self.children[.key(k)]?.value else { return nil }
                entries.append(.init(key: k, value: v))
            }
            return .object(ValueMap(entries))
        }
        guard indices.count == self.children.count, indices.sorted() == Array(0..<indices.count) else { return nil }
        var items: [Value] = []
        for i in 0..<indices.count {
            guard let v = self.children[.index(i)]?.value else { return nil }
            items.append(v)
        }
        return .array(items)
    }
}
