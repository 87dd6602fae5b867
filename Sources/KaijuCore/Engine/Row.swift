/// One output row of a statement: column names (shared) and values in select order.
///
/// A `select *` row holds the event itself and reads its columns when asked, so a row nobody reads
/// costs neither a copy nor a value conversion (Esper hands its listeners a wrapper around the event
/// in the same way).
public struct Row: Sendable, Hashable {
    /// The column names, in select order.
    public let columns: [String]
    private let storage: Storage

    /// Where the values come from.
    private enum Storage: Sendable {
        case values([Value])
        /// The value of a one-column row (`count(*) as n`), without an array.
        case single(Value)
        case event(FrozenEvent)
    }

    /// A row of `values` under `columns`.
    public init(columns: [String], values: [Value]) {
        self.columns = columns
        self.storage = .values(values)
    }

    /// A one-column row: `value` under `column` (the array of one name is shared by the statement's rows).
    init(column: [String], value: Value) {
        self.columns = column
        self.storage = .single(value)
    }

    /// Every column of `event`, under its type's column names (EPL's `select *`).
    init(allColumnsOf event: EngineEvent) {
        self.columns = event.type.columnNames
        if let frozen = FrozenEvent(event) {
            self.storage = .event(frozen)
        } else {
            self.storage = .values(event.columnValues)
        }
    }

    /// The values, one per column.
    public var values: [Value] {
        switch self.storage {
        case .values(let v): return v
        case .single(let v): return [v]
        case .event(let e): return e.event.columnValues
        }
    }

    /// The value of column `i` (in ``columns``' order); `.null` past the end.
    public func value(at i: Int) -> Value {
        switch self.storage {
        case .values(let v): return i < v.count ? v[i] : .null
        case .single(let v): return i == 0 ? v : .null
        case .event(let e): return e.event.property(at: i)
        }
    }

    /// The value of column `name`, or `nil`.
    public subscript(name: String) -> Value? {
        self.columns.firstIndex(of: name).map { self.value(at: $0) }
    }

    /// The row as a JSON object, columns in select order.
    public func encode(to w: inout JSONWriter) {
        w.object { w in
            for (i, name) in self.columns.enumerated() {
                w.key(name, first: i == 0)
                w.write(self.value(at: i))
            }
        }
    }

    /// The row as a JSON object text.
    public var jsonString: String {
        var w = JSONWriter()
        self.encode(to: &w)
        return w.string
    }

    /// Rows are equal when their columns and values are, however the values are held.
    public static func == (lhs: Row, rhs: Row) -> Bool {
        lhs.columns == rhs.columns && lhs.values == rhs.values
    }

    /// Hashes the columns and values.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.columns)
        hasher.combine(self.values)
    }
}

/// An engine event whose body never changes after it is built (a model value or a declared type's
/// values), so a ``Row`` may carry it to other threads: every stored part of it is immutable. Table rows,
/// updated in place, and tuples, which may hold them, are never frozen; their rows copy the values.
struct FrozenEvent: @unchecked Sendable {
    let event: EngineEvent

    /// `event`, if its body is immutable.
    init?(_ event: EngineEvent) {
        switch event.body {
        case .metric, .log, .event, .batch, .span, .row: self.event = event
        case .tableRow, .tuple: return nil
        }
    }
}

/// What a statement produced in one step: its name, the engine time, the new rows and, for
/// `select irstream`, the old rows (remove stream).
public struct StatementOutput: Sendable, Hashable {
    /// The statement that produced the rows.
    public let statement: String
    /// The engine time (ms) of the delivery.
    public let time: Int64
    /// The rows delivered (Esper's new events).
    public let rows: [Row]
    /// The remove-stream rows delivered with them (Esper's old events); empty unless the statement
    /// selects `irstream`.
    public var oldRows: [Row] { self.removed ?? [] }
    /// The old rows, `nil` when there are none (the common case costs no array reference).
    private let removed: [Row]?

    /// A delivery of `rows` and `oldRows` by `statement` at engine time `time`.
    public init(statement: String, time: Int64, rows: [Row], oldRows: [Row] = []) {
        self.statement = statement
        self.time = time
        self.rows = rows
        self.removed = oldRows.isEmpty ? nil : oldRows
    }

    /// The rows as the `simple` listener prints them: one `{"statement":"NAME","row":{...}}` per new row,
    /// then one `{"statement":"NAME","old":{...}}` per old row.
    public var jsonLines: [String] {
        self.rows.map { self.line($0, key: "row") } + self.oldRows.map { self.line($0, key: "old") }
    }

    private func line(_ row: Row, key: String) -> String {
        var w = JSONWriter()
        w.object { w in
            w.key("statement", first: true)
            w.write(self.statement)
            w.key(key)
            row.encode(to: &w)
        }
        return w.string
    }
}

/// Receives a statement's output, synchronously, on the runtime's thread.
public typealias StatementListener = (StatementOutput) -> Void
