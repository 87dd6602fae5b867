@_spi(Engine) public import KaijuCore

/// The event a builder closure describes: property reads become plan expressions.
///
/// `$0.name` on `Fields<Metric>` is the column `name`; a computed property of your own becomes a
/// compiled key-path read.
@dynamicMemberLookup
public struct Fields<E: EventKind>: Sendable {
    /// The stream alias, if the query named one.
    public let alias: String?

    /// A handle on a stream, pattern tag or table by its alias: `Fields<Metric>(alias: "m1").name`.
    public init(alias: String?) { self.alias = alias }

    /// A property of a typed event.
    public subscript<T: ValueConvertible>(dynamicMember keyPath: KeyPath<E, T>) -> Expr<T> {
        if let name = E.column(for: keyPath) {
            return Expr(.property(stream: self.alias, path: [name]))
        }
        let label = "\(E.eventTypeName).\(keyPath)"
        let path = SendableKeyPath(keyPath)
        let read: @Sendable (EventBody) -> Value = { body in
            E.extract(body).map { $0[keyPath: path.keyPath].kaijuValue } ?? .null
        }
        return Expr(.native(NativeAccessor(identity: keyPath, stream: self.alias, label: label, read: read)))
    }
}

/// The event of a stream with no Swift model: a declared schema or an `insert into` stream.
public struct DynamicEvent: EventKind {
    /// No model type.
    public static var eventTypeName: String { "" }
    /// No model columns: columns are read by name.
    public static var columns: [ModelColumn<DynamicEvent>] { [] }
    /// No model timestamp.
    public var eventTimestamp: Int64 { 0 }
    /// An empty row.
    @_spi(Engine) public var eventBody: EventBody { .row([]) }
    /// Never a model value.
    @_spi(Engine) public static func extract(_ body: EventBody) -> DynamicEvent? { nil }
}

extension Fields where E == DynamicEvent {
    /// A column of a declared type, by name: `$0.usage`.
    public subscript(dynamicMember name: String) -> Expr<Value> {
        Expr(.property(stream: self.alias, path: [name]))
    }

    /// A column by name: `$0["usage"]`.
    public subscript(name: String) -> Expr<Value> {
        Expr(.property(stream: self.alias, path: [name]))
    }
}

/// A key path carried into a `@Sendable` reader. Key paths are immutable once formed.
struct SendableKeyPath<Root, T>: @unchecked Sendable {
    let keyPath: KeyPath<Root, T>
    init(_ keyPath: KeyPath<Root, T>) { self.keyPath = keyPath }
}
