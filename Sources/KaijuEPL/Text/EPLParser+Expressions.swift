import KaijuCore

/// Expressions, loosest first: `or`, `and`, bitwise `& | ^`, `not`, comparison (`=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`,
/// `is [not] null`, `[not] in (...)`, `[not] between a and b`), `+ - ||`, `* / %`, unary `-`, then
/// postfix property, method, mapped-property and table access.
extension EPLParser {
    mutating func expression() throws(EPLSyntaxError) -> ExprNode {
        try self.enter()
        var levels = 1
        defer { self.leave(levels) }
        var left = try self.conjunction()
        while self.accept(keyword: "or") {
            try self.enter()
            levels += 1
            left = .binary(.or, left, try self.conjunction())
        }
        return left
    }

    /// A stream filter's expressions, `,` meaning `and` (`Trade(sym = 'A', qty > 5)`).
    mutating func filterList() throws(EPLSyntaxError) -> ExprNode {
        var conjuncts = [try self.expression()]
        while self.accept(symbol: ",") {
            try self.checkListLength(conjuncts.count)
            conjuncts.append(try self.expression())
        }
        return ExprNode.conjunction(conjuncts) ?? conjuncts[0]
    }

    private mutating func conjunction() throws(EPLSyntaxError) -> ExprNode {
        var levels = 0
        defer { self.leave(levels) }
        var left = try self.bitwise()
        while self.accept(keyword: "and") {
            try self.enter()
            levels += 1
            left = .binary(.and, left, try self.bitwise())
        }
        return left
    }

    /// `a & b`, `a | b`, `a ^ b` (Esper binds them between `and` and `not`).
    private mutating func bitwise() throws(EPLSyntaxError) -> ExprNode {
        let operators: [String: BinaryOperator] = ["&": .bitAnd, "|": .bitOr, "^": .bitXor]
        var levels = 0
        defer { self.leave(levels) }
        var left = try self.negation()
        while self.token.kind == .symbol, let op = operators[self.token.text] {
            try self.enter()
            levels += 1
            self.advance()
            left = .binary(op, left, try self.negation())
        }
        return left
    }

    private mutating func negation() throws(EPLSyntaxError) -> ExprNode {
        if self.accept(keyword: "not") {
            try self.enter()
            defer { self.leave() }
            return .unary(.not, try self.negation())
        }
        return try self.comparison()
    }

    private mutating func comparison() throws(EPLSyntaxError) -> ExprNode {
        let left = try self.additive()
        let operators: [String: BinaryOperator] = [
            "=": .equal, "!=": .notEqual, "<>": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater,
            ">=": .greaterOrEqual,
        ]
        if self.token.kind == .symbol, let op = operators[self.token.text] {
            self.advance()
            for quantifier in ["any", "some", "all"] where self.token.isKeyword(quantifier) {
                guard self.peek().isSymbol("("), self.peek(2).isKeyword("select") else { break }
                self.advance()
                let plan = try self.subqueryPlan()
                return .subquery(Subquery(plan, form: quantifier == "all" ? .all(op, left) : .any(op, left)))
            }
            return .binary(op, left, try self.additive())
        }
        if self.accept(keyword: "is") {
            let negated = self.accept(keyword: "not")
            try self.expect(keyword: "null")
            let isNull = ExprNode.call("isNull", [left])
            return negated ? .unary(.not, isNull) : isNull
        }
        let negated =
            self.token.isKeyword("not")
            && ["in", "between", "like", "regexp"].contains { self.peek().isKeyword($0) }
        if negated { self.advance() }
        var result: ExprNode?
        if self.token.isKeyword("in"), self.peek().isSymbol("("), self.peek(2).isKeyword("select") {
            self.advance()
            return .subquery(Subquery(try self.subqueryPlan(), form: .in(left, negated: negated)))
        }
        if self.accept(keyword: "in") {
            try self.expect(symbol: "(")
            var items = [left, try self.expression()]
            while self.accept(symbol: ",") {
                try self.checkListLength(items.count - 1)
                items.append(try self.expression())
            }
            try self.expect(symbol: ")")
            // One flat call, however long the list (an `or` chain would nest once per item).
            result = .call("in", items)
        } else if self.accept(keyword: "between") {
            let low = try self.additive()
            try self.expect(keyword: "and")
            let high = try self.additive()
            // Esper: false (not null) with a null operand, with or without `not`.
            return .call(negated ? "notbetween" : "between", [left, low, high])
        } else if self.accept(keyword: "like") {
            result = .call("like", [left, try self.additive()])
        } else if self.accept(keyword: "regexp") {
            result = .call("regexp", [left, try self.additive()])
        }
        guard let result else { return left }
        return negated ? .unary(.not, result) : result
    }

    /// An expression without boolean operators or comparisons (arithmetic and the tighter forms), where
    /// `and` separates items: a keyed context's `partition by a and tags('host') from ...`.
    mutating func keyExpression() throws(EPLSyntaxError) -> ExprNode { try self.additive() }

    private mutating func additive() throws(EPLSyntaxError) -> ExprNode {
        var levels = 0
        defer { self.leave(levels) }
        var left = try self.multiplicative()
        while true {
            if self.token.isSymbol("+") || self.token.isSymbol("-") || self.token.isSymbol("||") {
                try self.enter()
                levels += 1
            }
            if self.accept(symbol: "+") {
                left = .binary(.add, left, try self.multiplicative())
            } else if self.accept(symbol: "-") {
                left = .binary(.subtract, left, try self.multiplicative())
            } else if self.accept(symbol: "||") {
                left = .binary(.concat, left, try self.multiplicative())
            } else {
                return left
            }
        }
    }

    private mutating func multiplicative() throws(EPLSyntaxError) -> ExprNode {
        var levels = 0
        defer { self.leave(levels) }
        var left = try self.unary()
        while true {
            if self.token.isSymbol("*") || self.token.isSymbol("/") || self.token.isSymbol("%") {
                try self.enter()
                levels += 1
            }
            if self.accept(symbol: "*") {
                left = .binary(.multiply, left, try self.unary())
            } else if self.accept(symbol: "/") {
                left = .binary(.divide, left, try self.unary())
            } else if self.accept(symbol: "%") {
                left = .binary(.modulo, left, try self.unary())
            } else {
                return left
            }
        }
    }

    private mutating func unary() throws(EPLSyntaxError) -> ExprNode {
        if self.token.isSymbol("-") || self.token.isSymbol("+") {
            try self.enter()
        } else {
            return try self.postfix(try self.primary())
        }
        defer { self.leave() }
        if self.accept(symbol: "-") {
            let operand = try self.unary()
            switch operand {
            case .literal(.int(let i)): return .literal(.int(-i))
            case .literal(.double(let d)): return .literal(.double(-d))
            default: return .unary(.negate, operand)
            }
        }
        if self.accept(symbol: "+") { return try self.unary() }
        return try self.postfix(try self.primary())
    }

    // MARK: - Primaries

    private mutating func primary() throws(EPLSyntaxError) -> ExprNode {
        let t = self.token
        switch t.kind {
        case .integer:
            self.advance()
            guard let i = Int64(t.text) else { throw self.error("integer \(t.text) is out of range", at: t) }
            return .literal(.int(i))
        case .decimal:
            self.advance()
            return .literal(.double(Double(t.text) ?? 0))
        case .string:
            self.advance()
            return .literal(.string(t.text))
        case .symbol where t.text == "(" && self.peek().isKeyword("select"):
            return .subquery(Subquery(try self.subqueryPlan(), form: .value))
        case .symbol where t.text == "(":
            self.advance()
            let e = try self.expression()
            try self.expect(symbol: ")")
            return e
        case .identifier:
            switch t.text.lowercased() {
            case "true":
                self.advance()
                return .literal(.bool(true))
            case "false":
                self.advance()
                return .literal(.bool(false))
            case "null":
                self.advance()
                return .literal(.null)
            case "new": return try self.newMap()
            case "case": return try self.caseExpression()
            case "exists" where self.peek().isSymbol("(") && self.peek(2).isKeyword("select"):
                self.advance()
                return .subquery(Subquery(try self.subqueryPlan(), form: .exists))
            case "cast" where self.peek().isSymbol("("): return try self.cast()
            default: return try self.namedPrimary()
            }
        default:
            throw self.expected("an expression")
        }
    }

    /// `cast(expr, type)`: the value converted to `type` (a column type or a Java type name).
    private mutating func cast() throws(EPLSyntaxError) -> ExprNode {
        self.advance()
        try self.expect(symbol: "(")
        let value = try self.expression()
        try self.expect(symbol: ",")
        let typeToken = self.token
        var type = try self.name("a type name")
        while self.accept(symbol: ".") { type += "." + (try self.name("a type name")) }
        try self.expect(symbol: ")")
        guard let target = ColumnType(name: type), target != .map, target != .array, target != .any else {
            throw self.error(
                "unknown type '\(type)' in cast (expected string, int, long, double, float or boolean)",
                at: typeToken
            )
        }
        return .call("cast", [value, .literal(.string(target.rawValue))])
    }

    /// `case when c then v ... [else e] end` (searched) or `case x when w then v ... [else e] end` (simple):
    /// `.call("case", [c1, v1, ..., else])` and `.call("case_simple", [x, w1, v1, ..., else])`, the `else`
    /// always present (null when not written).
    private mutating func caseExpression() throws(EPLSyntaxError) -> ExprNode {
        try self.expect(keyword: "case")
        var args: [ExprNode] = []
        let simple = !self.token.isKeyword("when")
        if simple { args.append(try self.expression()) }
        try self.expect(keyword: "when")
        repeat {
            try self.checkListLength(args.count / 2)
            args.append(try self.expression())
            try self.expect(keyword: "then")
            args.append(try self.expression())
        } while self.accept(keyword: "when")
        args.append(self.accept(keyword: "else") ? try self.expression() : .literal(.null))
        try self.expect(keyword: "end")
        return .call(simple ? "case_simple" : "case", args)
    }

    /// `(select ...)`: a subquery's statement, parenthesised.
    private mutating func subqueryPlan() throws(EPLSyntaxError) -> StatementPlan {
        try self.enter()
        defer { self.leave() }
        try self.expect(symbol: "(")
        let plan = try self.selectStatement()
        try self.expect(symbol: ")")
        return plan
    }

    /// `new { key = expr, ... }`.
    private mutating func newMap() throws(EPLSyntaxError) -> ExprNode {
        try self.expect(keyword: "new")
        try self.expect(symbol: "{")
        var entries: [ExprNode.MapEntry] = []
        if !self.token.isSymbol("}") {
            repeat {
                try self.checkListLength(entries.count)
                let key = try self.name("a key name")
                try self.expect(symbol: "=")
                entries.append(.init(key, try self.expression()))
            } while self.accept(symbol: ",")
        }
        try self.expect(symbol: "}")
        return .newMap(entries)
    }

    /// A dotted name: a property path, a function or Java static call, a mapped property or a table row.
    private mutating func namedPrimary() throws(EPLSyntaxError) -> ExprNode {
        let first = self.token
        var path = [try self.name("an expression")]
        while self.token.isSymbol("."), self.peek().kind == .identifier, !self.peek(2).isSymbol("(") {
            self.advance()
            path.append(self.advance().text)
        }
        if self.token.isSymbol("."), self.peek().kind == .identifier, self.peek(2).isSymbol("(") {
            // `receiver.method(...)`: a Java static call, or a method on the property path.
            self.advance()
            let methodToken = self.advance()
            let qualified = path.joined(separator: ".")
            if let mapped = try self.javaStaticCall(qualified, methodToken) { return mapped }
            return try self.methodCall(on: .property(stream: nil, path: path), methodToken)
        }
        if path.count == 1, self.token.isSymbol("(") {
            return try self.functionCall(first)
        }
        if path.count == 1, self.token.isSymbol("[") {
            // `Table[key, ...]`: a table row, its column read by the `.col` that follows.
            self.advance()
            var keys = [try self.expression()]
            while self.accept(symbol: ",") {
                try self.checkListLength(keys.count)
                keys.append(try self.expression())
            }
            try self.expect(symbol: "]")
            return .tableGet(table: path[0], keys: keys, column: nil)
        }
        return .property(stream: nil, path: path)
    }

    /// `name(args)` without a receiver: an aggregate, `now()`, a built-in, or a mapped property `tags('k')`.
    private mutating func functionCall(_ nameToken: EPLToken) throws(EPLSyntaxError) -> ExprNode {
        let name = nameToken.text
        let lower = name.lowercased()
        try self.expect(symbol: "(")
        if let declaration = self.expressions[lower] {
            let args = try self.arguments()
            guard let expanded = declaration.expanded(with: args) else {
                throw self.error(
                    "expression '\(name)' takes \(declaration.parameters.count) argument(s), got \(args.count)",
                    at: nameToken
                )
            }
            return expanded
        }
        if let kind = AggregateKind(rawValue: lower) { return try self.aggregate(kind, nameToken) }
        let args = try self.arguments()
        if lower == "now" || lower == "current_timestamp" {
            guard args.isEmpty else { throw self.error("\(name)() takes no arguments", at: nameToken) }
            return .currentTimestamp
        }
        if !ExprNode.isBuiltinFunction(name), args.count == 1, case .literal(.string) = args[0] {
            return .mapGet(.property(stream: nil, path: [name]), args[0])
        }
        return .call(name, args)
    }

    /// An aggregate call after its `(`: `kind(*)`, `kind([distinct] expr [, n] [, filter: condition])`,
    /// `leaving()`, `rate(seconds)`; `max(a, b, ...)` / `min(a, b, ...)` are the row functions instead.
    private mutating func aggregate(_ kind: AggregateKind, _ nameToken: EPLToken) throws(EPLSyntaxError) -> ExprNode {
        let name = nameToken.text
        var call = AggregateCall(kind, nil)
        if kind == .leaving {
            try self.expect(symbol: ")")
            return .aggregate(call)
        }
        if kind == .rate {
            let t = self.token
            let seconds = try self.expression()
            try self.expect(symbol: ")")
            switch seconds {
            case .literal(.int(let n)) where n > 0 && n < Int64.max / 1000: call.parameter = n * 1000
            case .literal(.double(let d)) where d > 0 && d < 1e15: call.parameter = Int64(d * 1000)
            default: throw self.error("rate() takes a positive number of seconds", at: t)
            }
            return .aggregate(call)
        }
        if !self.accept(symbol: "*") {
            call.distinct = self.accept(keyword: "distinct")
            call.argument = try self.expression()
        } else if kind != .count && kind != .countever && kind != .window {
            throw self.error("\(name)(*) is not an aggregate; give it an expression", at: nameToken)
        }
        if let argument = call.argument, kind == .min || kind == .max, !call.distinct, self.accept(symbol: ",") {
            // `max(a, b, ...)`: the row function, not the aggregate.
            return .call(name.lowercased(), [argument] + (try self.arguments()))
        }
        if kind == .first || kind == .last, self.token.isSymbol(","), self.peek().kind == .integer {
            // `first(e, i)` / `last(e, i)`: the i-th oldest / newest value.
            self.advance()
            let t = self.token
            guard case .literal(.int(let i)) = try self.additive(), i >= 0, i < 1_000_000 else {
                throw self.error("\(name)(expr, i) takes an index from 0 to 999999", at: t)
            }
            call.parameter = i
        }
        if kind == .nth {
            try self.expect(symbol: ",")
            let t = self.token
            guard case .literal(.int(let n)) = try self.additive(), n >= 0 else {
                throw self.error("nth(expr, n) takes a non-negative integer n", at: t)
            }
            call.parameter = n
        }
        if self.token.isSymbol(",") {
            guard self.peek().isKeyword("filter"), self.peek(2).isSymbol(":") else {
                throw self.error("\(name)() takes one argument (and an optional 'filter: condition')", at: self.token)
            }
            self.advance()
            self.advance()
            self.advance()
            call.filter = try self.expression()
        }
        try self.expect(symbol: ")")
        return .aggregate(call)
    }

    /// Arguments after an opening `(` (consumed), through the closing `)`.
    private mutating func arguments() throws(EPLSyntaxError) -> [ExprNode] {
        var args: [ExprNode] = []
        if !self.token.isSymbol(")") {
            repeat {
                try self.checkListLength(args.count)
                args.append(try self.expression())
            } while self.accept(symbol: ",")
        }
        try self.expect(symbol: ")")
        return args
    }

    /// The original rule files' Java calls: `java.time.Instant.now()`, `java.lang.Math.*`,
    /// `Long.toHexString`, `eps.EventToJsonConverter.traceIdToHex`, `System.currentTimeMillis()`.
    private mutating func javaStaticCall(_ qualified: String, _ method: EPLToken) throws(EPLSyntaxError) -> ExprNode? {
        let className = qualified.split(separator: ".").last.map(String.init) ?? qualified
        let known: [String: Set<String>] = [
            "Instant": ["java.time.Instant", "Instant"], "Math": ["java.lang.Math", "Math"],
            "Long": ["java.lang.Long", "Long"],
            "EventToJsonConverter": ["eps.EventToJsonConverter", "EventToJsonConverter"],
            "System": ["java.lang.System", "System"],
        ]
        guard let spellings = known[className], spellings.contains(qualified) else { return nil }
        try self.expect(symbol: "(")
        let args = try self.arguments()
        switch (className, method.text) {
        case ("Instant", "now"), ("System", "currentTimeMillis"):
            guard args.isEmpty else { throw self.error("\(method.text)() takes no arguments", at: method) }
            return .currentTimestamp
        case ("Math", _) where ExprNode.isBuiltinFunction(method.text), ("Long", "toHexString"),
            ("EventToJsonConverter", "traceIdToHex"):
            return .call(method.text, args)
        default:
            throw self.error("unknown method \(qualified).\(method.text)", at: method)
        }
    }

    // MARK: - Postfix

    private mutating func postfix(_ base: ExprNode) throws(EPLSyntaxError) -> ExprNode {
        var e = base
        var levels = 0
        defer { self.leave(levels) }
        while self.token.isSymbol(".") {
            try self.enter()
            levels += 1
            self.advance()
            let member = self.token
            guard member.kind == .identifier else { throw self.expected("a property or method name") }
            self.advance()
            if self.token.isSymbol("(") {
                e = try self.methodCall(on: e, member)
            } else if case .tableGet(let table, let keys, nil) = e {
                e = .tableGet(table: table, keys: keys, column: member.text)
            } else if case .property(let stream, let path) = e {
                e = .property(stream: stream, path: path + [member.text])
            } else {
                e = .member(e, member.text)
            }
        }
        return e
    }

    /// `receiver.method(args)` (the `(` not yet consumed): JavaBean getters read properties, enumeration
    /// methods take a lambda, `toEpochMilli()` of a timestamp is the timestamp, others are built-ins with
    /// the receiver first; a one-string-argument unknown method is a mapped property (`m.tags('k')`).
    private mutating func methodCall(on receiver: ExprNode, _ method: EPLToken) throws(EPLSyntaxError) -> ExprNode {
        let name = method.text
        try self.expect(symbol: "(")
        if let enumeration = EnumerationMethod(rawValue: name) {
            // An enumeration method over a subquery reads its rows.
            if case .subquery(var s) = receiver, case .value = s.form {
                s.form = .rows
                return try self.enumeration(enumeration, on: .subquery(s))
            }
            return try self.enumeration(enumeration, on: receiver)
        }
        // Java's `size()` of a collection (a tag array, an array column): its element count.
        if name == "size", self.token.isSymbol(")") { return try self.enumeration(.countOf, on: receiver) }
        let args = try self.arguments()
        if args.isEmpty, let property = Self.getterProperty(name) {
            if case .property(let stream, let path) = receiver {
                return .property(stream: stream, path: path + [property])
            }
            return .member(receiver, property)
        }
        if name == "toEpochMilli", args.isEmpty, receiver == .currentTimestamp { return receiver }
        if ExprNode.isBuiltinFunction(name) { return .call(name, [receiver] + args) }
        if args.count == 1, case .literal(.string) = args[0] {
            if case .property(let stream, let path) = receiver {
                return .mapGet(.property(stream: stream, path: path + [name]), args[0])
            }
            return .mapGet(.member(receiver, name), args[0])
        }
        throw self.error("unknown method '\(name)'", at: method)
    }

    /// `getVStr` → `vStr`, `getTags` → `tags`; nil for other names.
    static func getterProperty(_ name: String) -> String? {
        guard name.count > 3, name.hasPrefix("get"), let first = name.dropFirst(3).first, first.isUppercase else {
            return nil
        }
        return first.lowercased() + name.dropFirst(4)
    }

    /// An enumeration method's arguments (after its `(`): expressions and lambdas `x => expr`,
    /// `(x) => expr`, `(a, x) => expr`.
    private mutating func enumeration(_ method: EnumerationMethod, on list: ExprNode) throws(EPLSyntaxError) -> ExprNode
    {
        var arguments: [EnumerationCall.Argument] = []
        if !self.accept(symbol: ")") {
            repeat {
                try self.checkListLength(arguments.count)
                var parameters: [String] = []
                if self.token.kind == .identifier, self.peek().isSymbol("=>") {
                    parameters = [self.advance().text]
                    self.advance()
                } else if self.token.isSymbol("("), self.isLambdaParameterList() {
                    self.advance()
                    repeat { parameters.append(try self.name("a lambda parameter")) } while self.accept(symbol: ",")
                    try self.expect(symbol: ")")
                    try self.expect(symbol: "=>")
                }
                arguments.append(.init(parameters, try self.expression()))
            } while self.accept(symbol: ",")
            try self.expect(symbol: ")")
        }
        return .enumeration(EnumerationCall(method, list, arguments))
    }

    /// Whether the tokens from a `(` are `(name, ...) =>`.
    private func isLambdaParameterList() -> Bool {
        var i = 1
        while i < 64 {
            guard self.peek(i).kind == .identifier else { return false }
            if self.peek(i + 1).isSymbol(")") { return self.peek(i + 2).isSymbol("=>") }
            guard self.peek(i + 1).isSymbol(",") else { return false }
            i += 2
        }
        return false
    }

}
