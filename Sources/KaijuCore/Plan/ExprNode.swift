/// An expression in a statement plan — what both the EPL text front end and the typed query builder produce.
///
/// The compiler turns a tree into a chain of closures once, when the statement is added, so no tree is walked per event.
public indirect enum ExprNode: Sendable, Hashable {
    /// A constant.
    case literal(Value)
    /// A property path, optionally qualified by a stream alias: `name`, `m1.tags`, `s.process.serviceName`.
    case property(stream: String?, path: [String])
    /// A typed Swift accessor from the query builder (a key path read, compiled code).
    case native(NativeAccessor)
    /// A keyed lookup into a map: EPL's mapped property `tags('host')`, `payload('k')`.
    case mapGet(ExprNode, ExprNode)
    /// A unary operator applied to an expression.
    case unary(UnaryOperator, ExprNode)
    /// A binary operator applied to two expressions.
    case binary(BinaryOperator, ExprNode, ExprNode)
    /// A built-in function by name; methods (`s.contains('x')`) pass the receiver as the first argument.
    case call(String, [ExprNode])
    /// `new { key = expr, ... }`: builds a map value.
    case newMap([MapEntry])
    /// An aggregate function call (``AggregateCall``); ``aggregate(_:_:)`` builds the plain forms.
    case aggregate(AggregateCall)
    /// `current_timestamp()`: engine time in ms.
    case currentTimestamp
    /// A property of a computed value: `tags.firstOf(t => t.key = 'x').vStr`.
    case member(ExprNode, String)
    /// Keyed access to a table row: `Table[key].column`; the whole row as a map when `column` is `nil`.
    case tableGet(table: String, keys: [ExprNode], column: String?)
    /// An enumeration method on a list: `tags.firstOf(t => t.key = 'x')`, `items.aggregate('', (a, x) => a || x)`.
    case enumeration(EnumerationCall)
    /// A subquery over another stream's window: `(select max(v) from B#length(3))`, `exists (...)`,
    /// `x in (select ...)`, `x > any (select ...)`.
    case subquery(Subquery)

    /// One `key = expr` of a ``newMap(_:)``.
    public struct MapEntry: Sendable, Hashable {
        /// The entry's key.
        public var key: String
        /// The entry's value expression.
        public var value: ExprNode
        /// An entry `key = value` of a `new { ... }` map.
        public init(_ key: String, _ value: ExprNode) {
            self.key = key
            self.value = value
        }
    }

    /// `list.method(parameter => body)`, or `list.method()` when `body` is `nil`.
    public static func enumeration(
        _ method: EnumerationMethod,
        _ list: ExprNode,
        parameter: String?,
        body: ExprNode?
    ) -> ExprNode {
        .enumeration(
            EnumerationCall(
                method,
                list,
                body.map { [EnumerationCall.Argument(parameter.map { [$0] } ?? [], $0)] } ?? []
            )
        )
    }

    /// `kind(argument)`: a plain aggregate; `argument` is `nil` for `count(*)`.
    public static func aggregate(_ kind: AggregateKind, _ argument: ExprNode?) -> ExprNode {
        .aggregate(AggregateCall(kind, argument))
    }

    /// Whether the expression contains an aggregate function.
    public var containsAggregate: Bool {
        switch self {
        case .aggregate: return true
        case .literal, .property, .native, .currentTimestamp: return false
        case .mapGet(let a, let b), .binary(_, let a, let b): return a.containsAggregate || b.containsAggregate
        case .unary(_, let a), .member(let a, _): return a.containsAggregate
        case .call(_, let args), .tableGet(_, let args, _): return args.contains { $0.containsAggregate }
        case .newMap(let entries): return entries.contains { $0.value.containsAggregate }
        case .enumeration(let call):
            return call.list.containsAggregate || call.arguments.contains { $0.body.containsAggregate }
        case .subquery(let s): return s.form.operand?.containsAggregate == true
        }
    }

    /// The node and every node below it, depth first.
    public func visit(_ body: (ExprNode) -> Void) {
        body(self)
        switch self {
        case .literal, .property, .native, .currentTimestamp: break
        case .mapGet(let a, let b), .binary(_, let a, let b):
            a.visit(body)
            b.visit(body)
        case .unary(_, let a), .member(let a, _): a.visit(body)
        case .call(_, let args), .tableGet(_, let args, _): for a in args { a.visit(body) }
        case .newMap(let entries): for e in entries { e.value.visit(body) }
        case .aggregate(let call):
            call.argument?.visit(body)
            call.filter?.visit(body)
        case .enumeration(let call):
            call.list.visit(body)
            for a in call.arguments { a.body.visit(body) }
        case .subquery(let s): s.form.operand?.visit(body)  // the subquery's own clauses are another scope
        }
    }

    /// The conjuncts of an `and` chain (the node itself otherwise).
    public var conjuncts: [ExprNode] {
        if case .binary(.and, let a, let b) = self { return a.conjuncts + b.conjuncts }
        return [self]
    }

    /// The conjunction of `nodes`, or `nil` when there are none.
    public static func conjunction(_ nodes: [ExprNode]) -> ExprNode? {
        guard var out = nodes.first else { return nil }
        for n in nodes.dropFirst() { out = .binary(.and, out, n) }
        return out
    }
}

/// A subquery: a select over one stream's window, evaluated when the expression holding it is.
public struct Subquery: Sendable, Hashable, CustomStringConvertible {
    /// What the subquery's rows make of the expression.
    public enum Form: Sendable, Hashable {
        /// The selected value of the single row (null with none or several); with aggregates, their value.
        case value
        /// Whether there is a row.
        case exists
        /// The selected values (or events, for `*`) as a list, null when there are none: what an
        /// enumeration method applied to a subquery reads.
        case rows
        /// Whether the operand is among the selected values (`in`), or not (`not in`); null as SQL's.
        case `in`(ExprNode, negated: Bool)
        /// `operand op any (...)`: whether the comparison holds for some row.
        case any(BinaryOperator, ExprNode)
        /// `operand op all (...)`: whether the comparison holds for every row (true with none).
        case all(BinaryOperator, ExprNode)

        /// The expression of the enclosing statement the form compares.
        public var operand: ExprNode? {
            switch self {
            case .value, .exists, .rows: return nil
            case .in(let e, _), .any(_, let e), .all(_, let e): return e
            }
        }
    }

    /// The select: one typed stream with windows, a `where` that may read the enclosing statement's
    /// streams, one select item (or `*`).
    public var plan: StatementPlan
    /// How the rows are used.
    public var form: Form

    /// A subquery of `plan` used as `form`.
    public init(_ plan: StatementPlan, form: Form) {
        self.plan = plan
        self.form = form
    }

    /// `(select ...)` text, for column names.
    public var description: String {
        let items = self.plan.select.map { item -> String in
            switch item {
            case .wildcard: return "*"
            case .expression(let e, _): return e.description
            }
        }
        let from: String
        if case .type(let name, _)? = self.plan.streams.first?.input { from = name } else { from = "..." }
        let body = "(select \(items.joined(separator: ",")) from \(from))"
        switch self.form {
        case .value, .rows: return body
        case .exists: return "exists" + body
        case .in(let e, let negated): return "\(e) \(negated ? "not in" : "in") \(body)"
        case .any(let op, let e): return "\(e)\(op.rawValue)any\(body)"
        case .all(let op, let e): return "\(e)\(op.rawValue)all\(body)"
        }
    }
}

/// An enumeration method applied to a list, with its arguments: expressions or lambdas.
public struct EnumerationCall: Sendable, Hashable {
    /// One argument: an expression, or a lambda `x => body` / `(a, x) => body` when it has parameters.
    public struct Argument: Sendable, Hashable {
        /// The lambda's parameter names; empty for a plain expression.
        public var parameters: [String]
        /// The expression (the lambda's body).
        public var body: ExprNode
        /// An argument `(parameters) => body` (a plain expression without parameters).
        public init(_ parameters: [String], _ body: ExprNode) {
            self.parameters = parameters
            self.body = body
        }
    }
    /// The method.
    public var method: EnumerationMethod
    /// The list it applies to.
    public var list: ExprNode
    /// Its arguments, in order.
    public var arguments: [Argument]
    /// `list.method(arguments)`.
    public init(_ method: EnumerationMethod, _ list: ExprNode, _ arguments: [Argument]) {
        self.method = method
        self.list = list
        self.arguments = arguments
    }
}

/// Esper's enumeration methods on lists; most take an optional lambda `x => expr` over each element.
public enum EnumerationMethod: String, Sendable, Hashable, CaseIterable {
    /// The first element the lambda accepts (or the first element); null when none.
    case firstOf
    /// The last element the lambda accepts (or the last element); null when none.
    case lastOf
    /// The elements the lambda accepts.
    case `where`
    /// Whether any element satisfies the lambda.
    case anyOf
    /// Whether every element satisfies the lambda.
    case allOf
    /// How many elements satisfy the lambda (or how many there are).
    case countOf
    /// The lambda's value for each element.
    case selectFrom
    /// The elements without repeats (by the lambda's value, when given), first occurrences kept.
    case distinctOf
    /// The sum, greatest, least and mean of the elements (or of the lambda's values); null for an empty list.
    case sumOf, max, min, average
    /// The elements ordered by the lambda's value (or themselves), ascending / descending; stable.
    case orderBy, orderByDesc
    /// The first / last n elements (the argument is n).
    case take, takeLast
    /// The elements in reverse order.
    case reverse
    /// A fold: `aggregate(initial, (accumulator, x) => next)`.
    case aggregate
    /// The most / least frequent element (or lambda value); among equals, the first met.
    case mostFrequent, leastFrequent
    /// A map from the first lambda's value (as a string) to the second's: `toMap(x => x.id, x => x.v)`.
    case toMap
    /// A map from the first lambda's value (as a string) to the list of elements (or of the second lambda's values).
    case groupBy
}

/// Unary operators.
public enum UnaryOperator: String, Sendable, Hashable {
    /// `not e`, `-e`.
    case not
    case negate = "-"
}

/// Binary operators, arithmetic first, then comparison, then logic.
public enum BinaryOperator: String, Sendable, Hashable {
    /// Arithmetic and string concatenation.
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
    case concat = "||"
    /// Bitwise (integers) and logical (booleans) `&`, `|`, `^`.
    case bitAnd = "&"
    case bitOr = "|"
    case bitXor = "^"
    /// Comparisons.
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    /// Logical connectives.
    case and, or
}

/// Aggregate functions, computed incrementally as events enter and leave windows.
public enum AggregateKind: String, Sendable, Hashable, CaseIterable {
    /// Over the events in the window: count, sum, average, extremes, sample standard deviation, the
    /// oldest and newest value, mean absolute deviation, median, the n-th newest value (``AggregateCall/parameter``).
    case count, sum, avg, min, max, stddev, first, last, avedev, median, nth
    /// Over every event ever entered, whatever left: count, first and last value, extremes.
    case countever, firstever, lastever, maxever, minever
    /// Whether any event has left the window yet (no argument).
    case leaving
    /// Events per second over the last ``AggregateCall/parameter`` milliseconds of engine time; null until
    /// that much time has passed since the first event.
    case rate
    /// The event (as a map of its columns) with the greatest / least argument value (the oldest among equals).
    case maxby, minby
    /// The events ordered by the argument value, ascending (the oldest first among equals).
    case sorted
    /// The events in the window, oldest first (`window(*)`).
    case window

    /// Whether the aggregate reads the whole event besides its argument (its value holds events).
    public var readsEvents: Bool { self == .maxby || self == .minby || self == .sorted || self == .window }
}

/// One aggregate function call: `kind([distinct] argument [, parameter] [, filter: condition])`.
public struct AggregateCall: Sendable, Hashable, CustomStringConvertible {
    /// The function.
    public var kind: AggregateKind
    /// What it aggregates; `nil` for `*` (and for `leaving()`, `rate(n)`).
    public var argument: ExprNode?
    /// Whether equal argument values count once (`count(distinct x)`).
    public var distinct: Bool
    /// Only events for which this holds are aggregated (`count(*, filter: x > 5)`).
    public var filter: ExprNode?
    /// `nth`'s index (0 = newest), `rate`'s interval in milliseconds.
    public var parameter: Int64?

    /// A call of `kind` over `argument`.
    public init(
        _ kind: AggregateKind,
        _ argument: ExprNode?,
        distinct: Bool = false,
        filter: ExprNode? = nil,
        parameter: Int64? = nil
    ) {
        self.kind = kind
        self.argument = argument
        self.distinct = distinct
        self.filter = filter
        self.parameter = parameter
    }

    /// EPL-like text: `count(distinct x)`, `nth(x,1)`, `rate(2)`.
    public var description: String {
        var parts: [String] = []
        switch self.kind {
        case .leaving: break
        case .rate: parts.append("\((self.parameter ?? 0) / 1000)")
        default:
            parts.append((self.distinct ? "distinct " : "") + (self.argument?.description ?? "*"))
            if let p = self.parameter { parts.append("\(p)") }
        }
        if let f = self.filter { parts.append("filter:\(f)") }
        return "\(self.kind.rawValue)(\(parts.joined(separator: ",")))"
    }
}

/// A typed accessor compiled from Swift code: reads a value out of one stream's event body.
///
/// Two accessors are equal when they read the same key path of the same stream, so a `group by`
/// and a `select` written with the same key path are recognised as the same expression.
public struct NativeAccessor: @unchecked Sendable, Hashable {
    // `@unchecked`: `identity` is an immutable key path (never mutated after creation); `read` is `@Sendable`.
    /// What the accessor reads, for equality (usually a key path).
    public let identity: AnyKeyPath
    /// The stream (alias) it reads from; `nil` is the statement's first stream.
    public let stream: String?
    /// A readable rendering for column names and errors.
    public let label: String
    /// The read itself.
    @_spi(Engine) public let read: @Sendable (EventBody) -> Value

    /// An accessor identified by `identity` (the key path), reading with `read`.
    @_spi(Engine) public init(
        identity: AnyKeyPath,
        stream: String? = nil,
        label: String,
        read: @escaping @Sendable (EventBody) -> Value
    ) {
        self.identity = identity
        self.stream = stream
        self.label = label
        self.read = read
    }

    /// Whether both read the same key path of the same stream.
    public static func == (a: NativeAccessor, b: NativeAccessor) -> Bool {
        a.identity == b.identity && a.stream == b.stream
    }
    /// Hashes the key path and stream.
    public func hash(into h: inout Hasher) {
        h.combine(self.identity)
        h.combine(self.stream)
    }
}

extension ExprNode: CustomStringConvertible {
    /// EPL-like text, used as the column name of an unnamed select item.
    public var description: String {
        switch self {
        case .literal(let v):
            if case .string(let s) = v { return "'\(s)'" }
            return v.jsonString
        case .property(let stream, let path): return ((stream.map { [$0] } ?? []) + path).joined(separator: ".")
        case .native(let a): return a.label
        case .mapGet(let m, let k):
            if case .literal(.string(let key)) = k { return "\(m)('\(key)')" }
            return "\(m)(\(k))"
        case .unary(.not, let e): return "not \(e)"
        case .unary(.negate, let e): return "-\(e)"
        case .binary(let op, let a, let b):
            return "\(a)\(op == .and || op == .or ? " \(op.rawValue) " : op.rawValue)\(b)"
        case .call(let f, let args): return "\(f)(\(args.map(\.description).joined(separator: ",")))"
        case .newMap(let entries): return "new{\(entries.map { "\($0.key)=\($0.value)" }.joined(separator: ","))}"
        case .aggregate(let call): return call.description
        case .currentTimestamp: return "current_timestamp()"
        case .member(let e, let name): return "\(e).\(name)"
        case .tableGet(let t, let keys, let c):
            return "\(t)[\(keys.map(\.description).joined(separator: ","))]" + (c.map { ".\($0)" } ?? "")
        case .subquery(let s): return s.description
        case .enumeration(let call):
            let args = call.arguments.map { a -> String in
                switch a.parameters.count {
                case 0: return a.body.description
                case 1: return "\(a.parameters[0]) => \(a.body)"
                default: return "(\(a.parameters.joined(separator: ","))) => \(a.body)"
                }
            }
            return "\(call.list).\(call.method.rawValue)(\(args.joined(separator: ",")))"
        }
    }
}
