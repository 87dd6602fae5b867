/// A named event type with typed columns, possibly inheriting from other types.
///
/// Built-in types (`Metric`, `LogRecord` alias `FLog`, `Event`, `Batch`, `Span`) wrap the Swift model;
/// declared types (`create schema`) carry their values as a row in ``columns`` order.
/// A statement reading a type also sees every subtype's events.
public final class EventType: Sendable, Hashable, CustomStringConvertible {
    /// How events of this type are stored.
    public enum Representation: Sendable, Hashable {
        /// A built-in model type, or a declared type whose events are rows.
        case metric, log, event, batch, span, row
        /// A multi-stream result: one column per stream, each holding that stream's event.
        case tuple
    }

    /// The type's name in statements.
    public let name: String
    /// How its events are stored.
    public let representation: Representation
    /// Every column, inherited ones first (in parent order), then the type's own.
    public let columns: [Column]
    /// The columns' names, in order (shared by every `select *` row of the type).
    public let columnNames: [String]
    /// Direct parents.
    public let parents: [EventType]
    /// This type's name and every ancestor's.
    public let lineage: Set<String>
    private let index: [String: Int]

    init(name: String, representation: Representation, ownColumns: [Column], parents: [EventType]) {
        var columns: [Column] = []
        var seen = Set<String>()
        for c in parents.flatMap(\.columns) + ownColumns where seen.insert(c.name).inserted {
            columns.append(c)
        }
        self.name = name
        self.representation = representation
        self.columns = columns
        self.columnNames = columns.map(\.name)
        self.parents = parents
        self.lineage = parents.reduce(into: [name]) { $0.formUnion($1.lineage) }
        self.index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.name, $0) })
    }

    /// The position of a column, or `nil`.
    public func columnIndex(_ name: String) -> Int? { self.index[name] }

    /// The column named `name`, or `nil`.
    public func column(_ name: String) -> Column? { self.index[name].map { self.columns[$0] } }

    /// Whether this type is `other` or inherits from it.
    public func isSubtype(of other: EventType) -> Bool { self === other || self.lineage.contains(other.name) }

    /// Whether both are the same type (identity).
    public static func == (a: EventType, b: EventType) -> Bool { a === b }
    /// Hashes the type's identity.
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }
    /// The type's name.
    public var description: String { self.name }
}

extension EventType {
    /// The type of a multi-stream result whose streams are named `aliases`.
    static func tuple(_ name: String, aliases: [String]) -> EventType {
        EventType(name: name, representation: .tuple, ownColumns: aliases.map { Column($0, .any) }, parents: [])
    }

    static let metric = Metric.makeEventType(.metric)
    static let log = LogRecord.makeEventType(.log)
    static let event = Event.makeEventType(.event)
    static let batch = Batch.makeEventType(.batch)
    static let span = Span.makeEventType(.span)
}
