/// A run-time type declaration: EPL's `create schema Name(col type, ...) inherits Parent, ...`.
///
/// # Usage
/// ```swift
/// try runtime.declare(SchemaDeclaration("ContainerAnomaly", columns: [.init("container", .string)], inherits: ["Anomaly"]))
/// ```
public struct SchemaDeclaration: Sendable, Hashable {
    public var name: String
    public var columns: [Column]
    public var inherits: [String]

    public init(_ name: String, columns: [Column] = [], inherits: [String] = []) {
        self.name = name
        self.columns = columns
        self.inherits = inherits
    }
}
