/// A run-time type declaration: EPL's `create schema Name(col type, ...) inherits Parent, ...`.
///
/// # Usage
/// ```swift
/// try runtime.declare(SchemaDeclaration("ContainerAnomaly", columns: [.init("container", .string)], inherits: ["Anomaly"]))
/// ```
public struct SchemaDeclaration: Sendable, Hashable {
    /// The new type's name.
    public var name: String
    /// Its own columns.
    public var columns: [Column]
    /// The types it inherits from.
    public var inherits: [String]

    /// `create schema name(columns) inherits ...`.
    public init(_ name: String, columns: [Column] = [], inherits: [String] = []) {
        self.name = name
        self.columns = columns
        self.inherits = inherits
    }
}
