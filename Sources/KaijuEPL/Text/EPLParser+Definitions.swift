import KaijuCore

/// `create schema`, `create table`, `create window`, and `on ... merge|update|delete`.
extension EPLParser {
    mutating func createStatement() throws(EPLSyntaxError) -> EPLStatement {
        try self.expect(keyword: "create")
        if self.token.kind == .identifier, self.token.text.lowercased() == "context" {
            self.advance()
            return .createContext(try self.contextDeclaration())
        }
        if self.accept(keyword: "schema") {
            let name = try self.typeName("a schema name")
            _ = self.accept(keyword: "as")
            let columns = try self.columnDefinitions().map(\.column)
            var parents: [String] = []
            if self.accept(keyword: "inherits") {
                repeat { parents.append(try self.typeName("a parent schema name")) } while self.accept(symbol: ",")
            }
            return .createSchema(SchemaDeclaration(name, columns: columns, inherits: parents))
        }
        if self.accept(keyword: "table") {
            let name = try self.typeName("a table name")
            _ = self.accept(keyword: "as")
            let definitions = try self.columnDefinitions(allowPrimaryKey: true)
            let key = definitions.filter(\.primaryKey).map(\.column.name)
            return .createTable(TableDeclaration(name, columns: definitions.map(\.column), primaryKey: key))
        }
        if self.accept(keyword: "expression") { return .createExpression(try self.expressionDeclaration()) }
        if self.token.isKeyword("variable") || (self.token.isKeyword("constant") && self.peek().isKeyword("variable")) {
            let constant = self.accept(keyword: "constant")
            try self.expect(keyword: "variable")
            let typeToken = self.token
            var typeName = try self.name("a variable type")
            while self.accept(symbol: ".") { typeName += "." + (try self.name("a type name")) }
            guard let type = ColumnType(name: typeName) else {
                throw self.error("unknown variable type '\(typeName)'", at: typeToken)
            }
            let name = try self.name("a variable name")
            let initial = self.accept(symbol: "=") ? try self.expression() : nil
            return .createVariable(VariableDeclaration(name, type: type, constant: constant, initial: initial))
        }
        if self.token.isKeyword("index") || (self.token.isKeyword("unique") && self.peek().isKeyword("index")) {
            let unique = self.accept(keyword: "unique")
            self.advance()
            let name = try self.name("an index name")
            try self.expect(keyword: "on")
            let target = try self.typeName("a table or named window")
            try self.expect(symbol: "(")
            var columns: [String] = []
            repeat {
                try self.checkListLength(columns.count)
                columns.append(try self.columnName())
                if self.token.isKeyword("hash") || self.token.isKeyword("btree") { self.advance() }
            } while self.accept(symbol: ",")
            try self.expect(symbol: ")")
            return .createIndex(IndexDeclaration(name, on: target, columns: columns, unique: unique))
        }
        if self.accept(keyword: "window") {
            let name = try self.typeName("a window name")
            let windows = try self.windows()
            guard !windows.isEmpty else { throw self.expected("a window such as #time(1 min) or #keepall") }
            _ = self.accept(keyword: "as")
            if self.token.kind == .identifier, !self.token.isKeyword("select"),
                self.peek().kind == .end
                    || self.peek().isSymbol(";")
            {
                // `create window W#keepall as Type`: the window holds events of a declared type.
                let type = try self.typeName("an event type name")
                return .createWindow(name: name, windows: windows, schema: SchemaDeclaration(name, inherits: [type]))
            }
            if self.accept(keyword: "select") {
                try self.expect(symbol: "*")
                try self.expect(keyword: "from")
                let type = try self.typeName("an event type name")
                return .createWindow(name: name, windows: windows, schema: SchemaDeclaration(name, inherits: [type]))
            }
            let columns = try self.columnDefinitions().map(\.column)
            return .createWindow(name: name, windows: windows, schema: SchemaDeclaration(name, columns: columns))
        }
        try self.refuseUnsupportedCreate()
        throw self.expected("'schema', 'table' or 'window' after 'create'")
    }

    /// After `expression`: `name { body }`, `name { p => body }`, `name { (p, q) => body }`.
    mutating func expressionDeclaration() throws(EPLSyntaxError) -> ExpressionDeclaration {
        let name = try self.name("an expression name")
        try self.expect(symbol: "{")
        var parameters: [String] = []
        if self.token.kind == .identifier, self.peek().isSymbol("=>") {
            parameters = [self.advance().text]
            self.advance()
        } else if self.token.isSymbol("("), self.peek().kind == .identifier || self.peek().isSymbol(")") {
            // `(a, b) => body` (a parenthesised body without `=>` is an expression, read below)
            var lookahead = 1
            while self.peek(lookahead).kind == .identifier || self.peek(lookahead).isSymbol(",") { lookahead += 1 }
            if self.peek(lookahead).isSymbol(")"), self.peek(lookahead + 1).isSymbol("=>") {
                self.advance()
                while !self.accept(symbol: ")") {
                    try self.checkListLength(parameters.count)
                    parameters.append(try self.name("a parameter name"))
                    _ = self.accept(symbol: ",")
                }
                try self.expect(symbol: "=>")
            }
        }
        let body = try self.expression()
        try self.expect(symbol: "}")
        return ExpressionDeclaration(name, parameters: parameters, body: body)
    }

    /// `(name type [primary key], ...)`.
    private mutating func columnDefinitions(
        allowPrimaryKey: Bool = false
    ) throws(EPLSyntaxError) -> [(column: Column, primaryKey: Bool)] {
        try self.expect(symbol: "(")
        var out: [(Column, Bool)] = []
        if self.accept(symbol: ")") { return out }
        repeat {
            let name = try self.columnName()
            let typeToken = self.token
            guard typeToken.kind == .identifier else {
                throw self.expected("a column type (string, int, long, double, float, boolean)")
            }
            self.advance()
            var typeName = typeToken.text
            while self.token.isSymbol("."), self.peek().kind == .identifier {
                self.advance()
                typeName += "." + self.advance().text
            }
            var elementType: String?
            if allowPrimaryKey, self.token.isSymbol("("), let kind = AggregateKind(rawValue: typeName.lowercased()) {
                // A table's aggregation column (`cnt count(*)`, `total sum(double)`): it holds the value an
                // `into table` statement computes.
                var open = 0
                repeat {
                    if self.token.isSymbol("(") { open += 1 }
                    if self.token.isSymbol(")") { open -= 1 }
                    guard self.token.kind != .end else { throw self.expected("')'") }
                    self.advance()
                } while open > 0
                typeName = kind == .count || kind == .countever ? "long" : "any"
            }
            if self.token.isSymbol("["), self.peek().isSymbol("]") {
                // `string[]`, `double[]`, `Line[]` (events of a declared type): an array column.
                self.advance()
                self.advance()
                if ColumnType(name: typeName) == nil { elementType = typeName }
                typeName = "array"
            }
            guard let type = ColumnType(name: typeName) else {
                throw self.error(
                    "unknown column type '\(typeName)' (expected string, int, long, double, float, boolean, map or array)",
                    at: typeToken
                )
            }
            var primary = false
            if self.token.isKeyword("primary") {
                guard allowPrimaryKey else {
                    throw self.error("'primary key' is only allowed in create table", at: self.token)
                }
                self.advance()
                try self.expect(keyword: "key")
                primary = true
            }
            out.append((Column(name, type, elementType: elementType), primary))
        } while self.accept(symbol: ",")
        try self.expect(symbol: ")")
        return out
    }

    // MARK: - On

    /// `on Type[(filter)] [as s] merge Table [as t] [where ...] when ...`, `on ... update Table set ... [where ...]`,
    /// `on ... delete from Table [where ...]`, `on ... select items from Table [as t] [where ...]`.
    mutating func onStatement() throws(EPLSyntaxError) -> EPLStatement {
        try self.expect(keyword: "on")
        let trigger = try self.stream()
        if self.accept(keyword: "merge") {
            _ = self.accept(keyword: "into")
            let (table, alias) = try self.tableReference()
            let whereClause = self.accept(keyword: "where") ? try self.expression() : nil
            var clauses: [MergeClause] = []
            while self.token.isKeyword("when") { clauses.append(try self.mergeClause()) }
            guard !clauses.isEmpty else { throw self.expected("'when matched' or 'when not matched'") }
            return .on(OnPlan(on: trigger, table: table, as: alias, where: whereClause, action: .merge(clauses)))
        }
        if self.accept(keyword: "update") {
            let (table, alias) = try self.tableReference()
            try self.expect(keyword: "set")
            let assignments = try self.assignments()
            let whereClause = self.accept(keyword: "where") ? try self.expression() : nil
            return .on(
                OnPlan(
                    on: trigger,
                    table: table,
                    as: alias,
                    where: whereClause,
                    action: .merge([MergeClause(matched: true, .update(assignments))])
                )
            )
        }
        if self.accept(keyword: "delete") {
            try self.expect(keyword: "from")
            let (table, alias) = try self.tableReference()
            let whereClause = self.accept(keyword: "where") ? try self.expression() : nil
            return .on(OnPlan(on: trigger, table: table, as: alias, where: whereClause, action: .delete))
        }
        if self.accept(keyword: "select") {
            var deletes = false
            if self.token.isKeyword("and"), self.peek().isKeyword("delete") {
                self.advance()
                self.advance()
                deletes = true
            }
            let items = try self.selectItems()
            try self.expect(keyword: "from")
            let (table, alias) = try self.tableReference()
            let whereClause = self.accept(keyword: "where") ? try self.expression() : nil
            var plan = OnPlan(on: trigger, table: table, as: alias, where: whereClause, action: .select(items))
            plan.deletesSelected = deletes
            if self.accept(keyword: "group") {
                try self.expect(keyword: "by")
                repeat {
                    try self.checkListLength(plan.groupBy.count)
                    plan.groupBy.append(try self.expression())
                } while self.accept(symbol: ",")
            }
            if self.accept(keyword: "having") { plan.having = try self.expression() }
            if self.accept(keyword: "order") {
                try self.expect(keyword: "by")
                plan.orderBy = try self.orderItems()
            }
            return .on(plan)
        }
        if self.accept(keyword: "set") {
            return .onSet(VariableSetPlan(on: trigger, set: try self.assignments()))
        }
        if self.token.isKeyword("insert") { return .splitStream(try self.splitStream(trigger)) }
        throw self.expected("'merge', 'update', 'delete' or 'select'")
    }

    /// The branches of `on trigger insert into A select ... [where ...] ... [output all|first]`.
    private mutating func splitStream(_ trigger: StreamSpec) throws(EPLSyntaxError) -> SplitStreamPlan {
        var branches: [SplitStreamPlan.Branch] = []
        while self.accept(keyword: "insert") {
            try self.checkListLength(branches.count)
            try self.expect(keyword: "into")
            let target = try self.typeName("an event type name after 'insert into'")
            var columns: [String]?
            if self.accept(symbol: "(") {
                columns = [try self.name("a column name")]
                while self.accept(symbol: ",") {
                    try self.checkListLength(columns?.count ?? 0)
                    columns?.append(try self.name("a column name"))
                }
                try self.expect(symbol: ")")
            }
            try self.expect(keyword: "select")
            let items = try self.selectItems()
            let condition = self.accept(keyword: "where") ? try self.expression() : nil
            branches.append(.init(insertInto: target, columns: columns, select: items, where: condition))
        }
        var all = false
        if self.accept(keyword: "output") {
            if self.accept(keyword: "all") {
                all = true
            } else if !self.accept(keyword: "first") {
                throw self.expected("'all' or 'first' after 'output'")
            }
        }
        return SplitStreamPlan(on: trigger, branches: branches, outputAll: all)
    }

    private mutating func tableReference() throws(EPLSyntaxError) -> (String, String?) {
        let table = try self.typeName("a table name")
        return (table, try self.optionalAlias("a table alias"))
    }

    /// `when [not] matched [and cond] then update set ... | insert [into Stream] select ... | delete`.
    private mutating func mergeClause() throws(EPLSyntaxError) -> MergeClause {
        try self.expect(keyword: "when")
        let matched = !self.accept(keyword: "not")
        try self.expect(keyword: "matched")
        let condition = self.accept(keyword: "and") ? try self.expression() : nil
        try self.expect(keyword: "then")
        if self.accept(keyword: "update") {
            try self.expect(keyword: "set")
            return MergeClause(matched: matched, condition: condition, .update(try self.assignments()))
        }
        if self.accept(keyword: "insert") {
            let target = self.accept(keyword: "into") ? try self.typeName("a stream name after 'insert into'") : nil
            try self.expect(keyword: "select")
            var clause = MergeClause(matched: matched, condition: condition, .insert(try self.selectItems()))
            clause.insertInto = target
            return clause
        }
        if self.accept(keyword: "delete") { return MergeClause(matched: matched, condition: condition, .delete) }
        throw self.expected("'update set', 'insert select' or 'delete' after 'then'")
    }

    /// `col = expr, ...`; a column may be qualified by the table or its alias (`t.col = ...`).
    private mutating func assignments() throws(EPLSyntaxError) -> [MergeClause.Assignment] {
        var out: [MergeClause.Assignment] = []
        repeat {
            try self.checkListLength(out.count)
            var column = try self.columnName()
            if self.accept(symbol: ".") { column = try self.columnName() }
            try self.expect(symbol: "=")
            out.append(.init(column, try self.expression()))
        } while self.accept(symbol: ",")
        return out
    }
}
