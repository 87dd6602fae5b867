import KaijuCore

/// `[insert into Name] select items from streams [where] [group by] [having] [output] [order by] [limit]`.
extension EPLParser {
    mutating func selectStatement() throws(EPLSyntaxError) -> StatementPlan {
        var insertInto: String?
        var insertColumns: [String]?
        var streams: OutputStreams?
        if self.accept(keyword: "insert") {
            streams = self.streamSelector()
            try self.expect(keyword: "into")
            insertInto = try self.typeName("an event type name after 'insert into'")
            if self.accept(symbol: "(") {
                var columns = [try self.name("a column name")]
                while self.accept(symbol: ",") {
                    try self.checkListLength(columns.count)
                    columns.append(try self.name("a column name"))
                }
                try self.expect(symbol: ")")
                insertColumns = columns
            }
        }
        try self.expect(keyword: "select")
        let selected = self.streamSelector()
        let distinct = self.accept(keyword: "distinct")
        let items = try self.selectItems()
        try self.expect(keyword: "from")
        let (from, innerOn) = try self.streams()
        var plan = StatementPlan(streams: from, select: items, insertInto: insertInto)
        plan.insertColumns = insertColumns
        plan.distinct = distinct
        plan.outputStreams = streams ?? selected ?? .insert
        if self.accept(keyword: "where") { plan.whereClause = try self.expression() }
        // `inner join ... on c`: the condition joins like a `where` conjunct.
        plan.whereClause = ExprNode.conjunction(innerOn + (plan.whereClause.map { [$0] } ?? []))
        if self.accept(keyword: "group") {
            try self.expect(keyword: "by")
            try self.groupByClause(into: &plan)
        }
        if self.accept(keyword: "having") { plan.having = try self.expression() }
        if self.token.isKeyword("output") { plan.output = try self.outputClause() }
        if self.accept(keyword: "order") {
            try self.expect(keyword: "by")
            plan.orderBy = try self.orderItems()
        }
        if self.accept(keyword: "limit") {
            let first = try self.nonNegativeInteger("a row count after 'limit'")
            if self.accept(symbol: ",") {
                plan.limit = .init(count: try self.nonNegativeInteger("a row count"), offset: first)
            } else if self.accept(keyword: "offset") {
                plan.limit = .init(count: first, offset: try self.nonNegativeInteger("an offset"))
            } else {
                plan.limit = .init(count: first)
            }
        }
        return plan
    }

    /// `group by` expressions, `rollup(a, b)`, `cube(a, b)` or `grouping sets ((a, b), (a), ())`.
    private mutating func groupByClause(into plan: inout StatementPlan) throws(EPLSyntaxError) {
        let rollup = self.token.isKeyword("rollup") && self.peek().isSymbol("(")
        let cube = self.token.isKeyword("cube") && self.peek().isSymbol("(")
        if rollup || cube {
            self.advance()
            try self.expect(symbol: "(")
            repeat {
                try self.checkListLength(plan.groupBy.count)
                plan.groupBy.append(try self.expression())
            } while self.accept(symbol: ",")
            try self.expect(symbol: ")")
            guard plan.groupBy.count <= 8 else {
                throw self.error("rollup and cube take at most 8 expressions", at: self.token)
            }
            let n = plan.groupBy.count
            if rollup {
                plan.groupingSets = (0...n).reversed().map { Array(0..<$0) }
            } else {
                // Every subset, the fullest first, then by which expressions they keep (Esper's order).
                let subsets = (0..<(1 << n)).map { mask in (0..<n).filter { mask & (1 << (n - 1 - $0)) == 0 } }
                plan.groupingSets = subsets.enumerated()
                    .sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }
                    .map(\.element)
            }
            return
        }
        if self.token.isKeyword("grouping"), self.peek().isKeyword("sets") {
            self.advance()
            self.advance()
            try self.expect(symbol: "(")
            var sets: [[Int]] = []
            repeat {
                try self.checkListLength(sets.count)
                var set: [Int] = []
                let parenthesised = self.accept(symbol: "(")
                if !parenthesised || !self.token.isSymbol(")") {
                    repeat {
                        let e = try self.expression()
                        if let i = plan.groupBy.firstIndex(of: e) {
                            set.append(i)
                        } else {
                            plan.groupBy.append(e)
                            set.append(plan.groupBy.count - 1)
                        }
                    } while parenthesised && self.accept(symbol: ",")
                }
                if parenthesised { try self.expect(symbol: ")") }
                sets.append(set)
            } while self.accept(symbol: ",")
            try self.expect(symbol: ")")
            plan.groupingSets = sets
            return
        }
        repeat { plan.groupBy.append(try self.expression()) } while self.accept(symbol: ",")
    }

    /// `e [asc|desc], ...` after `order by`.
    mutating func orderItems() throws(EPLSyntaxError) -> [StatementPlan.OrderItem] {
        var items: [StatementPlan.OrderItem] = []
        repeat {
            try self.checkListLength(items.count)
            let e = try self.expression()
            let descending = self.accept(keyword: "desc")
            if !descending { _ = self.accept(keyword: "asc") }
            items.append(.init(e, descending: descending))
        } while self.accept(symbol: ",")
        return items
    }

    /// `istream`, `rstream` or `irstream`, if one is written.
    private mutating func streamSelector() -> OutputStreams? {
        if self.accept(keyword: "irstream") { return .insertAndRemove }
        if self.accept(keyword: "rstream") { return .remove }
        if self.accept(keyword: "istream") { return .insert }
        return nil
    }

    private mutating func nonNegativeInteger(_ what: String) throws(EPLSyntaxError) -> Int {
        guard self.token.kind == .integer, let n = Int(self.token.text) else { throw self.expected(what) }
        self.advance()
        return n
    }

    /// `*` and `expr [as name]`, comma-separated.
    mutating func selectItems() throws(EPLSyntaxError) -> [StatementPlan.SelectItem] {
        var items: [StatementPlan.SelectItem] = []
        repeat {
            if self.accept(symbol: "*") {
                items.append(.wildcard)
                continue
            }
            if self.token.kind == .identifier, self.peek().isSymbol("."), self.peek(2).isSymbol("*") {
                // `s.*`: every property of stream `s`.
                items.append(.streamWildcard(self.advance().text))
                self.advance()
                self.advance()
                continue
            }
            let e = try self.expression()
            if self.accept(keyword: "as") {
                items.append(.expression(e, name: try self.columnName()))
            } else {
                items.append(.expression(e))
            }
        } while self.accept(symbol: ",")
        return items
    }

    /// A column name (after `as`, in a schema, in `set`).
    mutating func columnName() throws(EPLSyntaxError) -> String {
        try self.name("a column name")
    }

    // MARK: - From

    /// The `from` clause: streams separated by commas or `[inner|left outer|right outer|full outer] join
    /// ... on condition` (a join when there are several), and the conditions of the inner joins.
    private mutating func streams() throws(EPLSyntaxError) -> ([StreamSpec], [ExprNode]) {
        var out = [try self.stream()]
        var innerOn: [ExprNode] = []
        while true {
            if self.accept(symbol: ",") {
                out.append(try self.stream())
                continue
            }
            var kind: StreamSpec.OuterJoin.Kind?
            if self.accept(keyword: "inner") {
                try self.expect(keyword: "join")
            } else if ["left", "right", "full"].contains(where: { self.token.isKeyword($0) }) {
                kind = StreamSpec.OuterJoin.Kind(rawValue: self.advance().text.lowercased())
                try self.expect(keyword: "outer")
                try self.expect(keyword: "join")
            } else if !self.accept(keyword: "join") {
                return (out, innerOn)
            }
            try self.checkListLength(out.count)
            var next = try self.stream()
            try self.expect(keyword: "on")
            let condition = try self.expression()
            if let kind {
                next.outerJoin = StreamSpec.OuterJoin(kind, on: condition)
            } else {
                innerOn.append(condition)
            }
            out.append(next)
        }
    }

    /// `pattern [...]`, `Type(filter)`, or `Type[select ... from list as x]`, then windows and an alias.
    mutating func stream() throws(EPLSyntaxError) -> StreamSpec {
        var spec: StreamSpec
        if self.token.isKeyword("pattern") {
            self.advance()
            try self.expect(symbol: "[")
            let pattern = try self.pattern()
            try self.expect(symbol: "]")
            spec = StreamSpec(.pattern(pattern))
        } else {
            let typeName = try self.typeName("an event type name")
            var filter: ExprNode?
            if self.accept(symbol: "(") {
                if !self.token.isSymbol(")") { filter = try self.filterList() }
                try self.expect(symbol: ")")
            }
            if self.accept(symbol: "[") {
                spec = StreamSpec(.contained(typeName, filter: filter, try self.containedSelection()))
                try self.expect(symbol: "]")
            } else {
                spec = StreamSpec(.type(typeName, filter: filter))
            }
        }
        spec.windows = try self.windows()
        spec.alias = try self.optionalAlias("a stream alias after 'as'")
        spec.unidirectional = self.accept(keyword: "unidirectional")
        if self.token.isKeyword("match_recognize") { spec.matchRecognize = try self.matchRecognize() }
        return spec
    }

    /// Inside `Type[...]`: `select items from property [as alias]`, or just `property [as alias]`.
    private mutating func containedSelection() throws(EPLSyntaxError) -> ContainedSelection {
        var items: [StatementPlan.SelectItem] = [.wildcard]
        if self.accept(keyword: "select") {
            items = try self.selectItems()
            try self.expect(keyword: "from")
        }
        let property = try self.typeName("a list property")
        return ContainedSelection(
            property: property,
            alias: try self.optionalAlias("an alias after 'as'"),
            items: items
        )
    }

    // MARK: - Windows

    /// Data windows: `#time(1 min)`, `#length(10)`, `#lastevent`, `#unique(a, b)`, `#time_batch(10 sec)`,
    /// `#length_batch(5)`, `#keepall`, `#firstevent`, `#firstlength(n)`, `#firstunique(a)`, `#firsttime(10 sec)`,
    /// also in the older `.win:time(...)` / `.std:lastevent()` spelling.
    mutating func windows() throws(EPLSyntaxError) -> [WindowSpec] {
        var out: [WindowSpec] = []
        while true {
            if self.accept(symbol: "#") {
                out.append(try self.window())
            } else if self.token.isSymbol("."), self.peek().isKeyword("win") || self.peek().isKeyword("std"),
                self.peek(2).isSymbol(":")
            {
                self.advance()
                self.advance()
                self.advance()
                out.append(try self.window())
            } else {
                return out
            }
        }
    }

    private mutating func window() throws(EPLSyntaxError) -> WindowSpec {
        let nameToken = self.token
        guard nameToken.kind == .identifier else {
            throw self.expected("a window name (time, length, lastevent, unique, time_batch, length_batch, keepall)")
        }
        self.advance()
        // Windows without parameters take `()` at most: `#lastevent (x int)` starts a column list.
        let takesNoArguments = ["lastevent", "keepall", "firstevent"].contains(nameToken.text.lowercased())
        let hasArguments = self.token.isSymbol("(") && (!takesNoArguments || self.peek().isSymbol(")"))
        if hasArguments { self.advance() }
        let spec: WindowSpec
        switch nameToken.text.lowercased() {
        case "time", "time_batch":
            guard hasArguments else { throw self.expected("'(' and a time period") }
            let period = try self.windowPeriod()
            if nameToken.text.lowercased() == "time" {
                spec = .time(period)
            } else if self.accept(symbol: ",") {
                // `#time_batch(10 sec, 'FORCE_UPDATE, START_EAGER')`
                let flagsToken = self.token
                guard flagsToken.kind == .string else { throw self.expected("a string of flags") }
                self.advance()
                let flags = flagsToken.text.uppercased().split(separator: ",").map {
                    String($0.filter { $0 != " " })
                }
                guard flags.allSatisfy({ $0 == "FORCE_UPDATE" || $0 == "START_EAGER" }) else {
                    throw self.error("time_batch flags are FORCE_UPDATE and START_EAGER", at: flagsToken)
                }
                spec = .timeBatchFlagged(
                    period,
                    forceUpdate: flags.contains("FORCE_UPDATE"),
                    startEager: flags.contains("START_EAGER")
                )
            } else {
                spec = .timeBatch(period)
            }
        case "length", "length_batch":
            guard hasArguments else { throw self.expected("'(' and a number of events") }
            let n = try self.windowSize("a number of events")
            spec = nameToken.text.lowercased() == "length" ? .length(n) : .lengthBatch(n)
        case "lastevent": spec = .lastEvent
        case "keepall": spec = .keepAll
        case "unique", "firstunique":
            guard hasArguments else { throw self.expected("'(' and the unique key expressions") }
            var keys = [try self.expression()]
            while self.accept(symbol: ",") { keys.append(try self.expression()) }
            spec = nameToken.text.lowercased() == "unique" ? .unique(keys) : .firstUnique(keys)
        case "firstevent": spec = .firstEvent
        case "firstlength":
            guard hasArguments else { throw self.expected("'(' and a number of events") }
            spec = .firstLength(try self.windowSize("a number of events"))
        case "firsttime":
            guard hasArguments else { throw self.expected("'(' and a time period") }
            spec = .firstTime(try self.windowPeriod())
        case "sort", "rank":
            guard hasArguments else { throw self.expected("'(' and the window's size and sort expressions") }
            spec = try self.sortedWindow(rank: nameToken.text.lowercased() == "rank", at: nameToken)
        case "groupwin":
            guard hasArguments else { throw self.expected("'(' and the grouping expressions") }
            var keys = [try self.expression()]
            while self.accept(symbol: ",") {
                try self.checkListLength(keys.count)
                keys.append(try self.expression())
            }
            spec = .groupWin(keys)
        case "ext_timed":
            guard hasArguments else { throw self.expected("'(' and a timestamp expression and a time period") }
            let timestamp = try self.expression()
            try self.expect(symbol: ",")
            spec = .externallyTimed(timestamp, try self.timePeriod())
        case "time_accum":
            guard hasArguments else { throw self.expected("'(' and a time period") }
            spec = .timeAccumulating(try self.timePeriod())
        case "expr":
            guard hasArguments else { throw self.expected("'(' and an expiry expression") }
            spec = .expression(try self.expression())
        default:
            throw self.error(
                "unknown window '\(nameToken.text)' (expected time, length, lastevent, unique, time_batch, length_batch, keepall, firstevent, firstlength, firstunique, firsttime, sort, rank, groupwin, ext_timed, time_accum or expr)",
                at: nameToken
            )
        }
        if hasArguments { try self.expect(symbol: ")") }
        return spec
    }

    /// `#sort(n, expr [asc|desc], ...)` or `#rank(key, ..., n, expr [asc|desc], ...)` after the `(`: the
    /// first integer literal is the size.
    private mutating func sortedWindow(rank: Bool, at nameToken: EPLToken) throws(EPLSyntaxError) -> WindowSpec {
        var before: [ExprNode] = []
        var size: Int?
        var order: [StatementPlan.OrderItem] = []
        repeat {
            try self.checkListLength(before.count + order.count)
            if size == nil, self.token.kind == .integer, self.peek().isSymbol(",") || self.peek().isSymbol(")") {
                size = try self.positiveInteger("a window size")
                continue
            }
            let e = try self.expression()
            if size == nil {
                before.append(e)
            } else {
                let descending = self.accept(keyword: "desc")
                if !descending { _ = self.accept(keyword: "asc") }
                order.append(.init(e, descending: descending))
            }
        } while self.accept(symbol: ",")
        guard let size, !order.isEmpty, rank ? !before.isEmpty : before.isEmpty else {
            throw self.error(
                rank
                    ? "#rank takes unique keys, a size and sort expressions: #rank(key, 10, value desc)"
                    : "#sort takes a size and sort expressions: #sort(10, value desc)",
                at: nameToken
            )
        }
        return rank ? .rank(unique: before, size, order) : .sort(size, order)
    }

    // MARK: - Output

    /// `output [after (period | n events)] [all|first|last|snapshot] (every (period | n events) | at (crontab) |
    /// when condition)`, or `output after ...` alone.
    private mutating func outputClause() throws(EPLSyntaxError) -> OutputSpec {
        try self.expect(keyword: "output")
        var after: OutputSpec.Delay?
        if self.accept(keyword: "after") {
            if self.token.kind == .integer, self.peek().isKeyword("events") || self.peek().isKeyword("event") {
                let t = self.token
                guard let n = Int(t.text) else { throw self.error("\(t.text) events is out of range", at: t) }
                self.advance()
                self.advance()
                after = .events(n)
            } else {
                after = .time(try self.timePeriod())
            }
        }
        var selection = OutputSpec.Selection.all
        if self.accept(keyword: "first") {
            selection = .first
        } else if self.accept(keyword: "last") {
            selection = .last
        } else if self.accept(keyword: "snapshot") {
            selection = .snapshot
        } else if self.accept(keyword: "all") {
            selection = .all
        } else if let after, !["every", "at", "when"].contains(where: { self.token.isKeyword($0) }) {
            return OutputSpec(after: after)
        }
        if self.accept(keyword: "when") {
            if self.token.isKeyword("terminated") {
                self.advance()
                return OutputSpec(selection, every: .terminated, after: after)
            }
            return OutputSpec(selection, every: .when(try self.expression()), after: after)
        }
        if self.accept(keyword: "at") {
            return OutputSpec(selection, every: .crontab(try self.crontab()), after: after)
        }
        try self.expect(keyword: "every")
        if self.token.kind == .integer, self.peek().isKeyword("events") || self.peek().isKeyword("event") {
            let n = try self.positiveInteger("a number of events")
            self.advance()
            return OutputSpec(selection, every: .events(n), after: after)
        }
        return OutputSpec(selection, every: .time(try self.timePeriod()), after: after)
    }

    /// `(minutes, hours, days, months, weekdays [, seconds])` of a crontab schedule.
    mutating func crontab() throws(EPLSyntaxError) -> Crontab {
        let open = self.token
        try self.expect(symbol: "(")
        var fields = [try self.crontabField()]
        while self.accept(symbol: ",") {
            try self.checkListLength(fields.count)
            fields.append(try self.crontabField())
        }
        try self.expect(symbol: ")")
        do {
            return try Crontab(fields)
        } catch {
            throw self.error("crontab schedule: \(error.message)", at: open)
        }
    }

    /// One crontab field: `*`, `*/n`, `n`, `a:b`, or `[field, ...]`.
    private mutating func crontabField() throws(EPLSyntaxError) -> Crontab.Field {
        if self.accept(symbol: "[") {
            var items = [try self.crontabField()]
            while self.accept(symbol: ",") {
                try self.checkListLength(items.count)
                items.append(try self.crontabField())
            }
            try self.expect(symbol: "]")
            return .list(items)
        }
        if self.accept(symbol: "*") {
            guard self.accept(symbol: "/") else { return .any }
            return .step(try self.crontabNumber())
        }
        let low = try self.crontabNumber()
        guard self.accept(symbol: ":") else { return .value(low) }
        return .range(low, try self.crontabNumber())
    }

    private mutating func crontabNumber() throws(EPLSyntaxError) -> Int {
        let t = self.token
        guard t.kind == .integer, let n = Int(t.text), n < 10_000 else {
            throw self.expected("a crontab number, '*', or '['")
        }
        self.advance()
        return n
    }
}
