/// One output row of a statement: column names (shared) and values in select order.
public struct Row: Sendable, Hashable {
    /// The column names, in select order.
    public let columns: [String]
    /// The values, one per column.
    public let values: [Value]

    /// A row of `values` under `columns`.
    public init(columns: [String], values: [Value]) {
        self.columns = columns
        self.values = values
    }

    /// The value of column `name`, or `nil`.
    public subscript(name: String) -> Value? {
        self.columns.firstIndex(of: name).map { self.values[$0] }
    }

    /// The row as a JSON object, columns in select order.
    public func encode(to w: inout JSONWriter) {
        w.object { w in
            for (i, name) in self.columns.enumerated() {
                w.key(name, first: i == 0)
                w.write(self.values[i])
            }
        }
    }

    /// The row as a JSON object text.
    public var jsonString: String {
        var w = JSONWriter()
        self.encode(to: &w)
        return w.string
    }
}

/// What a statement produced in one step: its name, the engine time, the new rows.
public struct StatementOutput: Sendable, Hashable {
    /// The statement that produced the rows.
    public let statement: String
    /// The engine time (ms) of the delivery.
    public let time: Int64
    /// The rows delivered.
    public let rows: [Row]

    /// The rows as the `simple` listener prints them: one `{"statement":"NAME","row":{...}}` per line.
    public var jsonLines: [String] {
        self.rows.map { row in
            var w = JSONWriter()
            w.object { w in
                w.key("statement", first: true)
                w.write(self.statement)
                w.key("row")
                row.encode(to: &w)
            }
            return w.string
        }
    }
}

/// Receives a statement's output, synchronously, on the runtime's thread.
public typealias StatementListener = (StatementOutput) -> Void
