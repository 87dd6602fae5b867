/// One column of a built-in model type, described once: its name, its type, the stored property it is
/// and how the engine reads it. Type registration, property access, `insert into`, the builder's key
/// paths and JSON are all derived from a model's ``EventKind/columns``.
///
/// # Usage
/// ```swift
/// static let columns: [ModelColumn<Metric>] = [
///     ModelColumn("name", .string, \.name, required: true) { .string($0.name) },
///     ModelColumn("tags", .map, \.tags) { .object($0.tags) },
/// ]
/// ```
public struct ModelColumn<Model: EventKind>: Sendable {
    /// The column's name in statements.
    public let name: String
    /// The column's type.
    public let type: ColumnType
    /// The stored property the column is (the builder maps `\Metric.tags` to `tags`; inserts write it).
    public let keyPath: any PartialKeyPath<Model> & Sendable
    /// Whether a JSON object or an inserted row must give the column.
    public let isRequired: Bool
    /// Reads the column from a model value.
    public let read: @Sendable (Model) -> Value
    /// Reads a map column's map (so `tags('host')` looks the key up without wrapping the map).
    public let readMap: (@Sendable (Model) -> ValueMap)?

    /// Describes a column.
    /// - Parameters:
    ///   - name: The column's name in statements.
    ///   - type: The column's type.
    ///   - keyPath: The stored property.
    ///   - required: Whether JSON and inserted rows must give it.
    ///   - read: Reads the column as a ``Value`` (the hot path: write it directly, not through the key path).
    public init(
        _ name: String,
        _ type: ColumnType,
        _ keyPath: any PartialKeyPath<Model> & Sendable,
        required: Bool = false,
        read: @escaping @Sendable (Model) -> Value
    ) {
        self.name = name
        self.type = type
        self.keyPath = keyPath
        self.isRequired = required
        self.read = read
        self.readMap = nil
    }

    /// Describes a map column.
    /// - Parameters:
    ///   - name: The column's name in statements.
    ///   - keyPath: The stored property.
    ///   - readMap: Reads the map.
    public init(
        map name: String,
        _ keyPath: any PartialKeyPath<Model> & Sendable,
        readMap: @escaping @Sendable (Model) -> ValueMap
    ) {
        self.name = name
        self.type = .map
        self.keyPath = keyPath
        self.isRequired = false
        self.read = { .object(readMap($0)) }
        self.readMap = readMap
    }

    /// Stores `value`, converted to the column's type, in `model`.
    /// - Returns: `false` when the value does not convert or the column cannot be written.
    func assign(_ value: Value, to model: inout Model) -> Bool {
        switch self.type.coerce(value) {
        case .string(let s):
            guard let kp = self.keyPath as? WritableKeyPath<Model, String> else { return false }
            model[keyPath: kp] = s
        case .int(let i):
            guard let kp = self.keyPath as? WritableKeyPath<Model, Int64> else { return false }
            model[keyPath: kp] = i
        case .double(let d):
            guard let kp = self.keyPath as? WritableKeyPath<Model, Double> else { return false }
            model[keyPath: kp] = d
        case .bool(let b):
            guard let kp = self.keyPath as? WritableKeyPath<Model, Bool> else { return false }
            model[keyPath: kp] = b
        case .object(let m):
            guard let kp = self.keyPath as? WritableKeyPath<Model, ValueMap> else { return false }
            model[keyPath: kp] = m
        default:
            return false
        }
        return true
    }
}

extension EventKind {
    /// The column named `name`, or `nil`.
    /// - Complexity: O(*n*) in the number of columns (a handful).
    static func modelColumn(_ name: String) -> ModelColumn<Self>? { self.columns.first { $0.name == name } }

    /// Column `index` of `model`, `.null` past the end.
    static func value(at index: Int, in model: Self) -> Value {
        let columns = self.columns
        return index < columns.count ? columns[index].read(model) : .null
    }

    /// Every column of `model`, in order.
    static func columnValues(of model: Self) -> [Value] {
        let columns = self.columns
        var values: [Value] = []
        values.reserveCapacity(columns.count)
        for i in columns.indices { values.append(columns[i].read(model)) }
        return values
    }

    /// The event type the columns describe.
    static func makeEventType(_ representation: EventType.Representation) -> EventType {
        EventType(
            name: self.eventTypeName,
            representation: representation,
            ownColumns: self.columns.map { Column($0.name, $0.type) },
            parents: []
        )
    }

    /// The column a key path reads, or `nil` for a computed property.
    /// - Parameter keyPath: A key path of the model.
    /// - Returns: The column's name.
    public static func column(for keyPath: AnyKeyPath) -> String? {
        self.columns.first { $0.keyPath == keyPath }?.name
    }
}
