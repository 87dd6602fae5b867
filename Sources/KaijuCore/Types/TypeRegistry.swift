/// The event types a runtime knows: the built-in ones and those declared at run time.
public struct TypeRegistry: Sendable {
    private var types: [String: EventType] = [:]

    init() {
        for t in [EventType.metric, .log, .event, .batch, .span] { self.types[t.name] = t }
        self.types["FLog"] = EventType.log
    }

    /// The type named `name` (built-in aliases included), or `nil`.
    public subscript(name: String) -> EventType? { self.types[name] }

    /// Every distinct type.
    public var all: [EventType] {
        var seen = Set<ObjectIdentifier>()
        return self.types.values.filter { seen.insert(ObjectIdentifier($0)).inserted }.sorted { $0.name < $1.name }
    }

    /// Declares a row type.
    /// - Throws: ``PlanError`` when the name is taken or a parent is unknown.
    mutating func declare(_ d: SchemaDeclaration) throws(PlanError) -> EventType {
        if self.types[d.name] != nil {
            throw PlanError(.duplicate, "event type '\(d.name)' already exists", subject: d.name)
        }
        var parents: [EventType] = []
        for p in d.inherits {
            guard let t = self.types[p] else {
                throw PlanError(.unknownType, "unknown parent type '\(p)' of '\(d.name)'", subject: p)
            }
            guard t.representation == .row else {
                throw PlanError(.invalid, "'\(d.name)' cannot inherit from built-in type '\(p)'", subject: d.name)
            }
            parents.append(t)
        }
        let t = EventType(name: d.name, representation: .row, ownColumns: d.columns, parents: parents)
        self.types[d.name] = t
        return t
    }

    /// Adds an existing type under its name (a table's row type, for an on-demand query).
    mutating func register(_ t: EventType) { self.types[t.name] = t }
}
