/// JSON for model types, derived from their ``EventKind/columns``: an object with one member per column
/// (unknown members skipped), and batches `{"KEY":[...]}`.
enum ModelJSON<Model: EventKind> {
    /// Decodes one object at the scanner's position; each member naming a column is read as the
    /// column's type.
    /// - Throws: ``JSONError`` at the member that does not fit, or for a required column that is missing.
    static func decode(from s: inout JSONScanner) throws(JSONError) -> Model {
        guard var model = Model.blank(at: 0) else { throw s.error("\(Model.eventTypeName) cannot be read from JSON") }
        var seen: [Bool] = Array(repeating: false, count: Model.columns.count)
        try s.readObject { (s, key) throws(JSONError) in
            guard let i = Model.columns.firstIndex(where: { $0.name == key }) else { return try s.skipValue() }
            let column = Model.columns[i]
            _ = s.peek()
            let at = s.offset
            let value: Value
            switch column.type {
            case .string: value = .string(try s.readString())
            case .int, .long:
                switch try s.readNumber() {
                case .int(let n): value = .int(n)
                case .double(let d) where d.isFinite && abs(d) < 9.2e18: value = .int(Int64(d))
                default: throw JSONError(offset: at, message: "\(key) is not a number")
                }
            case .map: value = .object(try s.readValueMap())
            default: value = try s.readValue()
            }
            guard column.assign(value, to: &model) else {
                throw JSONError(offset: at, message: "\(key) is not a \(column.type.rawValue)")
            }
            seen[i] = true
        }
        for (i, column) in Model.columns.enumerated() where column.isRequired && !seen[i] {
            throw s.error("\(Model.eventTypeName) has no \"\(column.name)\"")
        }
        return model
    }

    /// Decodes a batch `{"KEY":[...]}` (other members skipped).
    static func decodeBatch<C: Collection<UInt8>>(json bytes: C, key: String) throws(JSONError) -> [Model] {
        try JSONScanner.parse(bytes) { (s) throws(JSONError) in
            var models: [Model] = []
            try s.readObject { (s, member) throws(JSONError) in
                if member == key {
                    try s.readArray { (s) throws(JSONError) in models.append(try Self.decode(from: &s)) }
                } else {
                    try s.skipValue()
                }
            }
            return models
        }
    }

    /// Writes the object, members in `columns` order.
    static func encode(_ model: Model, columns: [ModelColumn<Model>], to w: inout JSONWriter) {
        w.object { w in
            for (i, column) in columns.enumerated() {
                w.key(column.name, first: i == 0)
                w.write(column.read(model))
            }
        }
    }

    /// A batch `{"KEY":[...]}` as text.
    static func encodeBatch(_ models: [Model], key: String, columns: [ModelColumn<Model>]) -> String {
        var w = JSONWriter()
        w.object { w in
            w.key(key, first: true)
            w.array(models) { w, m in Self.encode(m, columns: columns, to: &w) }
        }
        return w.string
    }
}
