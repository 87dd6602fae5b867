extension Value {
    /// Parses one JSON value from UTF-8 bytes.
    /// - Throws: ``JSONError`` with the byte offset of the problem.
    public init<C: Collection<UInt8>>(json bytes: C) throws(JSONError) {
        self = try JSONScanner.parse(bytes) { (s) throws(JSONError) in try s.readValue() }
    }

    /// Parses one JSON value from a string.
    public init(json text: String) throws(JSONError) {
        try self.init(json: Array(text.utf8))
    }

    /// The value as compact JSON text.
    public var jsonString: String {
        var w = JSONWriter()
        w.write(self)
        return w.string
    }
}
