import DequeModule
public import Logging

/// The engine: routes events to statements, runs their windows, aggregates and timers, and hands
/// output rows to listeners.
///
/// A runtime is single-threaded and deterministic: drive it from one actor or one NIO event loop
/// (an actor of your own that creates it, or `KaijuServer`'s `EnginePump`). On a virtual clock the same input gives the same output, always.
///
/// # Usage
/// ```swift
/// let runtime = Runtime(clock: .virtual(startingAt: 0))
/// try runtime.add(plan, name: "HostIdle") { output in print(output.jsonLines.joined(separator: "\n")) }
/// runtime.send(Metric(name: "cpu", timestamp: 1_000, fields: ["usage_idle": 93.5], tags: ["host": "a"]))
/// runtime.advance(to: 120_000)   // fires every timer due until then
/// ```
public final class Runtime {
    /// The clock engine time follows: virtual (driven by events) or wall.
    public let clock: EngineClock
    /// The bounds on windows, groups, pattern instances and joins.
    public let limits: RuntimeLimits
    /// Engine time in ms.
    @exclusivity(unchecked) public private(set) var now: Int64
    /// The types this runtime knows.
    @exclusivity(unchecked) public private(set) var types = TypeRegistry()
    /// Counters.
    public var stats: RuntimeStats {
        var s = self.counters
        for c in self.received.values where c.count > 0 { s.eventsIn[c.type.name, default: 0] += c.count }
        return s
    }
    @exclusivity(unchecked) var counters = RuntimeStats()
    /// Where the engine logs warnings (a pattern at its instance limit, ...).
    @exclusivity(unchecked) public var logger = Logger(label: "kaiju.engine")
    /// Whether statements added from now on use the optimisations that must not change output —
    /// specialised pattern matchers, deferred `output last` rows (tests turn it off to compare).
    @exclusivity(unchecked) var optimises = true
    /// Tables, by name.
    @exclusivity(unchecked) private(set) var tables: [String: Table] = [:]

    @exclusivity(unchecked) var scheduler = Scheduler()
    @exclusivity(unchecked) private var statements: [Statement] = []
    /// The statements each type's events go to; rebuilt when statements or types change.
    @exclusivity(unchecked) private var routes: [ObjectIdentifier: Route] = [:]
    /// The route last looked up: a stream of one type needs no hash lookup per event.
    @exclusivity(unchecked) private var lastRoute: (type: EventType, route: Route)?
    /// Events received per type, by type identity (no string hashing per event); outlives ``routes``.
    @exclusivity(unchecked) private var received: [ObjectIdentifier: TypeCounter] = [:]

    private final class TypeCounter {
        let type: EventType
        @exclusivity(unchecked) var count = 0
        init(_ type: EventType) { self.type = type }
    }

    private final class Route {
        /// Each statement reading the type, with the input it arrives on.
        let targets: [(statement: Statement, input: Int)]
        let counter: TypeCounter
        /// Whether the type is `Event` or a subtype and someone observes Events.
        let observed: Bool
        init(targets: [(statement: Statement, input: Int)], counter: TypeCounter, observed: Bool) {
            self.targets = targets
            self.counter = counter
            self.observed = observed
        }
    }
    /// Called with every Event that enters or is inserted (see ``observeEvents(_:)``).
    private var eventObservers: [(Event, _ producer: String?) -> Void] = []
    /// Called with every Jaeger batch that enters, after its spans (``observeBatches(_:)``).
    var batchObservers: [(Batch) -> Void] = []
    @exclusivity(unchecked) private var queue: Deque<EngineEvent> = []
    @exclusivity(unchecked) private var routedThisEvent = 0
    @exclusivity(unchecked) private var dispatching = false
    @exclusivity(unchecked) private var unnamed = 0
    @exclusivity(unchecked) private var created = 0
    /// Named windows (`create window`), each kept by the statement of its name.
    @exclusivity(unchecked) private var namedWindows: Set<String> = []
    /// The indexes (`create index`), by name.
    @exclusivity(unchecked) private var indexes: [String: IndexDeclaration] = [:]
    /// The contexts (`create context`), by name.
    @exclusivity(unchecked) private var contexts: [String: ContextDeclaration] = [:]
    /// The variables (`create variable`), by name.
    @exclusivity(unchecked) private var variables: [String: VariableCell] = [:]
    /// The declared expressions (`create expression`), by lower-cased name, for front ends to expand.
    public private(set) var expressionDeclarations: [String: ExpressionDeclaration] = [:]

    /// A runtime with no statements on `clock`, bounded by `limits`.
    public init(clock: EngineClock = .virtual(startingAt: 0), limits: RuntimeLimits = RuntimeLimits()) {
        self.clock = clock
        self.limits = limits
        switch clock {
        case .virtual(let start): self.now = EngineClock.clamped(start)
        case .wall: self.now = EngineClock.wallMilliseconds()
        }
    }

    /// Stops every statement, so live pattern states (which point to their parents while they wait)
    /// are released with the runtime.
    deinit {
        for statement in self.statements { statement.stop() }
    }

    // MARK: - Types and statements

    /// Declares an expression (`create expression`) for later statements to call.
    /// - Throws: ``PlanError`` if an expression of that name exists.
    public func declare(_ expression: ExpressionDeclaration) throws(PlanError) {
        let key = expression.name.lowercased()
        guard self.expressionDeclarations[key] == nil else {
            throw PlanError(.duplicate, "an expression named '\(expression.name)' exists", subject: expression.name)
        }
        self.expressionDeclarations[key] = expression
    }

    /// Declares an event type (`create schema`).
    /// - Throws: ``PlanError`` if the name exists or a parent is unknown.
    @discardableResult
    public func declare(_ schema: SchemaDeclaration) throws(PlanError) -> EventType {
        let t = try self.types.declare(schema)
        self.invalidateRoutes()
        return t
    }

    /// Compiles and starts a statement.
    /// - Parameters:
    ///   - plan: what the statement does.
    ///   - name: a unique name; generated (`stmt-N`) when `nil`.
    ///   - listener: receives the statement's rows, if given.
    /// - Returns: the statement's name.
    /// - Throws: ``PlanError`` for an unknown type or property, a duplicate name, a bad window or clause.
    @discardableResult
    public func add(
        _ plan: StatementPlan,
        name: String? = nil,
        listener: StatementListener? = nil
    ) throws(PlanError) -> String {
        if let context = plan.context { return try self.add(plan, in: context, name: name, listener: listener) }
        return try self.add(plan, name: name, listener: listener) { _ in }
    }

    /// Declares an index (`create index`): its table or named window and columns must exist. A named
    /// window's index is kept as events enter and leave, and on-update/delete/merge statements added
    /// after it whose `where` equates its columns with the trigger look events up through it (table
    /// lookups already go by primary key).
    /// - Throws: ``PlanError`` for a duplicate name, an unknown target or column.
    public func declare(_ index: IndexDeclaration) throws(PlanError) {
        guard self.indexes[index.name] == nil else {
            throw PlanError(.duplicate, "an index named '\(index.name)' exists", subject: index.name)
        }
        let type: EventType
        if let table = self.tables[index.target] {
            type = table.type
        } else if self.namedWindows.contains(index.target), let t = self.types[index.target] {
            type = t
        } else {
            throw PlanError(.unknownTable, "'\(index.target)' is not a table or named window", subject: index.target)
        }
        if let missing = index.columns.first(where: { type.columnIndex($0) == nil }) {
            throw PlanError(.unknownProperty, "'\(index.target)' has no column '\(missing)'", subject: missing)
        }
        self.indexes[index.name] = index
        if self.tables[index.target] == nil, let holder = self.statements.first(where: { $0.name == index.target }),
            let stage = (holder.front as? StreamFront)?.stage, stage.chain != nil
        {
            // A named window's index is kept by its statement from now on, starting with what it holds.
            let hashIndex = WindowHashIndex(columns: index.columns.compactMap { type.columnIndex($0) })
            for e in stage.contents { hashIndex.add(e) }
            holder.windowIndexes.append(hashIndex)
        }
    }

    /// The most levels a nested context may have (each level is a statement inside the one above).
    public static let maxNestedContexts = 16

    /// Declares a context (`create context`) for statements to run in.
    /// - Throws: ``PlanError`` if a context of that name exists or its conditions do not compile.
    public func declare(_ context: ContextDeclaration) throws(PlanError) {
        guard self.contexts[context.name] == nil else {
            throw PlanError(.duplicate, "a context named '\(context.name)' exists", subject: context.name)
        }
        if case .nested(let levels) = context.kind {
            guard levels.count >= 2, levels.count <= Self.maxNestedContexts else {
                throw PlanError(
                    .invalid,
                    "a nested context takes 2 to \(Self.maxNestedContexts) contexts, not \(levels.count)",
                    subject: context.name
                )
            }
            for level in levels {
                if case .nested = level.kind {
                    throw PlanError(.invalid, "a nested context's levels are not nested", subject: level.name)
                }
                _ = try ContextCompiler.compile(level, env: self.compileEnvironment())
            }
        } else {
            _ = try ContextCompiler.compile(context, env: self.compileEnvironment())
        }
        self.contexts[context.name] = context
    }

    /// Starts `plan` in context `contextName`: one copy of the statement per context partition (per
    /// partition of each level, for a nested context).
    private func add(
        _ plan: StatementPlan,
        in contextName: String,
        name: String?,
        listener: StatementListener?
    ) throws(PlanError) -> String {
        guard let declaration = self.contexts[contextName] else {
            throw PlanError(.unknownType, "unknown context '\(contextName)'", subject: contextName)
        }
        let stmtName = try self.newName(name)
        var inner = plan
        inner.context = nil
        let levels: [ContextDeclaration]
        if case .nested(let parts) = declaration.kind { levels = parts } else { levels = [declaration] }
        var env = self.compileEnvironment()
        let chain = ContextChain(
            statement: inner,
            name: stmtName,
            levels: levels,
            nestedName: levels.count > 1 ? contextName : nil
        )
        // A copy with placeholder properties checks the statement and creates its insert-into type.
        let statement = try chain.statement(from: 0, properties: [], env: &env)
        self.types = env.types
        statement.source = .select(plan)
        return self.install(statement, listener: listener)
    }

    /// Compiles `plan`, lets `adjust` finish the statement (an on-select over a named window: a join
    /// reporting every trigger), and starts it with its companions.
    private func add(
        _ plan: StatementPlan,
        name: String?,
        listener: StatementListener?,
        adjust: (Statement) -> Void
    ) throws(PlanError) -> String {
        let stmtName = try self.newName(name)
        var env = self.compileEnvironment()
        let s = try StatementCompiler.compile(plan, name: stmtName, env: &env)
        adjust(s)
        if let reader = s.front as? NamedWindowFront, let holder = env.namedWindows[reader.window] {
            s.processor?.findsGroupsByKey = true  // the window's entries are shared by its readers
            holder.windowReaders.append(s)
        }
        self.types = env.types
        for companion in env.companions {
            companion.isCompanion = true
            _ = self.install(companion, listener: nil)
        }
        s.companions = env.companions.map(\.name)
        return self.install(s, listener: listener)
    }

    /// What statements compile against now: types, tables, variables, named windows and limits.
    func compileEnvironment() -> CompileEnvironment {
        var env = CompileEnvironment(
            types: self.types,
            tables: self.tables,
            limits: self.limits,
            now: self.now,
            optimises: self.optimises
        )
        env.variables = self.variables
        for name in self.namedWindows {
            if let holder = self.statements.first(where: { $0.name == name }) { env.namedWindows[name] = holder }
        }
        return env
    }

    /// Starts an `on ... merge`, `on ... delete` or `on ... select` statement over a table; `listener`
    /// receives an on-select's rows.
    /// - Throws: ``PlanError`` for an unknown type, table or column, or a clause that does not fit.
    @discardableResult
    public func add(_ plan: OnPlan, name: String? = nil, listener: StatementListener? = nil) throws(PlanError) -> String
    {
        if self.tables[plan.table] == nil, self.namedWindows.contains(plan.table) {
            let windowHolder = self.statements.first { $0.name == plan.table }
            if case .select = plan.action {
                if plan.deletesSelected, (windowHolder?.front as? StreamFront)?.stage.chain == nil {
                    throw PlanError(
                        .invalid,
                        "on-select and delete needs a named window with data windows",
                        subject: plan.table
                    )
                }
                // Esper's on-select is a unidirectional join of the trigger with the window, whose
                // aggregates cover one trigger's matches and report even when nothing matched.
                return try self.add(plan.asWindowJoin, name: name, listener: listener) { s in
                    s.source = .on(plan)
                    guard let join = s.front as? JoinFront else { return }
                    join.reportsEveryTrigger = true
                    join.onFilter = s.processor?.whereClause  // "matched nothing" is after the `where`
                    if plan.deletesSelected, let holder = windowHolder,
                        let chain = (holder.front as? StreamFront)?.stage.chain
                    {
                        join.deletesJoined = (holder, chain, 1)
                    }

                }
            }
            let stmtName = try self.newName(name)
            var env = self.compileEnvironment()
            let statement = try WindowTriggerCompiler.compile(plan, name: stmtName, env: &env)
            self.types = env.types
            return self.install(statement, listener: listener)
        }
        let stmtName = try self.newName(name)
        var env = self.compileEnvironment()
        let statement = try TableTriggerCompiler.compile(plan, name: stmtName, env: &env)
        self.types = env.types
        return self.install(statement, listener: listener)
    }

    /// Starts an `on ... insert into ... select` split-stream statement: each branch is a statement
    /// over the trigger's type inserting into its stream (created from its select list if new), run for
    /// the triggering events its `where` lets through.
    /// - Throws: ``PlanError`` for an unknown type, a bad select list or condition.
    @discardableResult
    public func add(
        _ plan: SplitStreamPlan,
        name: String? = nil,
        listener: StatementListener? = nil
    ) throws(PlanError) -> String {
        let stmtName = try self.newName(name)
        guard case .type(let typeName, let filter) = plan.trigger.input, let type = self.types[typeName] else {
            throw PlanError(.unknownType, "on ... insert into takes a declared event type as its trigger")
        }
        guard !plan.branches.isEmpty else { throw PlanError(.invalid, "on ... insert into needs a branch") }
        var env = self.compileEnvironment()
        var compiler = ExprCompiler(streamType: type, alias: plan.trigger.alias)
        compiler.tables = self.tables
        compiler.variables = self.variables
        let f = try filter.map { (f) throws(PlanError) in try compiler.compileCondition(f, clause: "a filter") }
        var branches: [SplitStreamFront.Branch] = []
        for (i, b) in plan.branches.enumerated() {
            let condition = try b.whereClause.map { (w) throws(PlanError) in
                try compiler.compileCondition(w, clause: "where")
            }
            var branchPlan = StatementPlan(
                streams: [StreamSpec(.type(typeName, filter: nil), alias: plan.trigger.alias)],
                select: b.select,
                insertInto: b.insertInto
            )
            branchPlan.insertColumns = b.insertColumns
            let statement = try StatementCompiler.compile(branchPlan, name: "\(stmtName)#\(i + 1)", env: &env)
            branches.append(SplitStreamFront.Branch(condition: condition, statement: statement))
        }
        self.types = env.types
        let context = EvalContext(placeholder: EngineEvent(type: type, timestamp: 0, body: .row([])))
        let statement = Statement(
            name: stmtName,
            source: .splitStream(plan),
            context: context,
            front: SplitStreamFront(type: type, filter: f, branches: branches, all: plan.outputAll),
            processor: nil,
            limiter: OutputLimiter(nil),
            insertTarget: nil
        )
        return self.install(statement, listener: listener)
    }

    /// Declares a variable (`create [constant] variable`).
    /// - Throws: ``PlanError`` if the name is taken or the initial value is not a constant.
    public func declare(_ variable: VariableDeclaration) throws(PlanError) {
        guard self.variables[variable.name] == nil else {
            throw PlanError(.duplicate, "a variable named '\(variable.name)' exists", subject: variable.name)
        }
        var initial: Value = .null
        if let e = variable.initial {
            var compiler = ExprCompiler(streams: [], tupled: false)
            compiler.variables = self.variables
            let value = try compiler.compileRow(e, clause: "a variable's initial value")
            initial = value(EvalContext(placeholder: EngineEvent(type: EventType.event, timestamp: 0, body: .row([]))))
        }
        self.variables[variable.name] = VariableCell(variable, value: initial)
    }

    /// Every variable's current value, by name.
    public var variableValues: [String: Value] { self.variables.mapValues(\.value) }

    /// A variable's current value, or `nil` when there is no such variable.
    public func value(ofVariable name: String) -> Value? { self.variables[name]?.value }

    /// Starts an `on Type set var = expr, ...` statement; `listener` receives the new values.
    /// - Throws: ``PlanError`` for an unknown type or variable, a constant variable, or a bad expression.
    @discardableResult
    public func add(
        _ plan: VariableSetPlan,
        name: String? = nil,
        listener: StatementListener? = nil
    ) throws(PlanError)
        -> String
    {
        let stmtName = try self.newName(name)
        guard case .type(let typeName, let filter) = plan.trigger.input, let type = self.types[typeName] else {
            throw PlanError(.unknownType, "on ... set takes a declared event type as its trigger")
        }
        var compiler = ExprCompiler(streamType: type, alias: plan.trigger.alias)
        compiler.tables = self.tables
        compiler.variables = self.variables
        let f = try filter.map { (f) throws(PlanError) in try compiler.compileCondition(f, clause: "a filter") }
        var assignments: [(cell: VariableCell, value: CompiledExpr)] = []
        for a in plan.assignments {
            guard let cell = self.variables[a.column] else {
                throw PlanError(.unknownProperty, "unknown variable '\(a.column)'", subject: a.column)
            }
            guard !cell.constant else {
                throw PlanError(.invalid, "'\(a.column)' is a constant variable", subject: a.column)
            }
            assignments.append((cell, try compiler.compileRow(a.value, clause: "on ... set")))
        }
        let context = EvalContext(placeholder: EngineEvent(type: type, timestamp: 0, body: .row([])))
        let statement = Statement(
            name: stmtName,
            source: .variableSet(plan),
            context: context,
            front: VariableSetFront(type: type, filter: f, assignments: assignments),
            processor: nil,
            limiter: OutputLimiter(nil),
            insertTarget: nil
        )
        return self.install(statement, listener: listener)
    }

    /// Creates a table (`create table`).
    /// - Throws: ``PlanError`` if the name is taken or the declaration is invalid.
    public func createTable(_ declaration: TableDeclaration) throws(PlanError) {
        guard self.tables[declaration.name] == nil, self.types[declaration.name] == nil else {
            throw PlanError(.duplicate, "'\(declaration.name)' already exists", subject: declaration.name)
        }
        self.tables[declaration.name] = try Table(declaration, maxRows: self.limits.maxTableRows)
    }

    /// Each table's name, row count and rows refused by ``RuntimeLimits/maxTableRows``, by name.
    public var tableInfos: [(name: String, rows: Int, refused: Int)] {
        self.tables.values.sorted { $0.name < $1.name }.map { ($0.name, $0.rows.count, $0.refusedRows) }
    }

    /// The rows of a table ordered by primary key, each as a row of its columns.
    public func rows(ofTable name: String) -> [Row]? {
        guard let t = self.tables[name] else { return nil }
        return t.sortedRows.map { Row(columns: t.type.columnNames, values: $0.columnValues) }
    }

    /// Creates a named window (`create window`): the type `schema` declares, whose events (those inserted
    /// into it) a statement of the same name keeps in `windows`, for on-demand queries.
    /// - Throws: ``PlanError`` if the name is taken or the windows are invalid.
    public func createWindow(_ schema: SchemaDeclaration, windows: [WindowSpec]) throws(PlanError) {
        guard self.tables[schema.name] == nil else {
            throw PlanError(.duplicate, "'\(schema.name)' already exists", subject: schema.name)
        }
        try self.declare(schema)
        try self.add(StatementPlan(from: .init(schema.name), windows: windows), name: schema.name)
        self.namedWindows.insert(schema.name)
    }

    /// Runs a `select` once against tables' current rows and named windows' current events (an
    /// on-demand, fire-and-forget query): each stream names a table or a named window, several are
    /// joined; `where`, `group by`, aggregates, `having` and `order by` apply as usual.
    /// - Throws: ``PlanError`` if a stream is neither, a join would exceed the window limit in rows, or
    ///   the plan does not compile.
    public func query(_ plan: StatementPlan) throws(PlanError) -> [Row] {
        guard !plan.streams.isEmpty else {
            throw PlanError(.invalid, "an on-demand query reads a table or named window")
        }
        var sources: [(type: EventType, events: [EngineEvent])] = []
        var types = self.types
        for stream in plan.streams {
            guard case .type(let name, _) = stream.input else {
                throw PlanError(.invalid, "an on-demand query reads tables and named windows")
            }
            if let table = self.tables[name] {
                sources.append((table.type, table.sortedRows))
                types.register(table.type)
            } else if self.namedWindows.contains(name), let t = self.types[name] {
                sources.append((t, self.windowContents(of: name)))
            } else {
                throw PlanError(.unknownTable, "'\(name)' is not a table or named window", subject: name)
            }
        }
        var forQuery = plan
        for i in forQuery.streams.indices {
            forQuery.streams[i].windows = plan.streams.count > 1 ? [.keepAll] : []
            forQuery.streams[i].unidirectional = false
        }
        forQuery.output = nil
        forQuery.insertInto = nil
        forQuery.context = nil
        var env = CompileEnvironment(types: types, tables: self.tables, limits: self.limits, optimises: self.optimises)
        env.variables = self.variables
        let s = try StatementCompiler.compile(forQuery, name: "query", env: &env)
        var rows: [Row] = []
        s.listeners.append { rows += $0.rows }
        s.context.now = self.now
        // One update holding every row (or joined tuple) passing the stream filters, so aggregates give one answer.
        let entries: [WindowEntry]
        if let join = s.front as? JoinFront {
            entries = try self.joinedEntries(sources.map(\.events), join: join)
        } else {
            let filter = s.front.streamFilter
            var kept: [WindowEntry] = []
            for (i, row) in sources[0].events.enumerated() {
                s.context.event = row
                if let filter, !filter(s.context).isTrue { continue }
                kept.append(WindowEntry(event: row, seq: Int64(i), enteredAt: self.now))
            }
            entries = kept
        }
        s.update(new: entries, old: [], runtime: self)
        return rows
    }

    /// Every combination of the streams' events passing their filters, as the join's tuples.
    private func joinedEntries(_ events: [[EngineEvent]], join: JoinFront) throws(PlanError) -> [WindowEntry] {
        var filtered: [[EngineEvent]] = []
        var size = 1
        for (i, list) in events.enumerated() {
            let kept = list.filter { join.passesFilter(of: i, $0) }
            filtered.append(kept)
            size = size.multipliedReportingOverflow(by: max(kept.count, 1)).partialValue
            guard size <= self.limits.maxWindowEvents, size >= 0 else {
                throw PlanError(.invalid, "the query's join would exceed \(self.limits.maxWindowEvents) rows")
            }
        }
        var out: [WindowEntry] = []
        var parts = [EngineEvent?](repeating: nil, count: events.count)
        func extend(_ i: Int) {
            guard i < filtered.count else {
                let tuple = EngineEvent(type: join.tupleType, timestamp: self.now, body: .tuple(parts))
                out.append(WindowEntry(event: tuple, seq: Int64(out.count), enteredAt: self.now))
                return
            }
            for e in filtered[i] {
                parts[i] = e
                extend(i + 1)
            }
        }
        extend(0)
        return out
    }

    private func newName(_ name: String?) throws(PlanError) -> String {
        let stmtName: String
        if let name {
            stmtName = name
        } else {
            repeat {
                self.unnamed += 1
            } while self.statements.contains { $0.name == "stmt-\(self.unnamed)" }
            stmtName = "stmt-\(self.unnamed)"
        }
        if self.statements.contains(where: { $0.name == stmtName }) {
            throw PlanError(.duplicate, "a statement named '\(stmtName)' already exists", subject: stmtName)
        }
        return stmtName
    }

    private func install(_ s: Statement, listener: StatementListener?) -> String {
        if let listener { s.listeners.append(listener) }
        self.created += 1
        s.ordinal = self.created
        self.statements.append(s)
        self.invalidateRoutes()
        self.routedThisEvent = 0
        s.start(runtime: self)
        self.drain()
        return s.name
    }

    /// Calls `observer` with every Event that enters the runtime or that a rule inserts (type `Event` and
    /// its subtypes), in the order the engine processes them: what a server forwards to kaiju-hl.
    /// - Parameter observer: Receives each Event; it runs on the runtime's thread and must not call back into it.
    public func observeEvents(_ observer: @escaping (Event) -> Void) {
        self.observeEvents(withProducer: { event, _ in observer(event) })
    }

    /// Calls `observer` with every Jaeger ``Batch`` that enters the runtime, after its spans were processed
    /// (kaiju-traces retains them for its traces API); it runs on the runtime's thread.
    public func observeBatches(_ observer: @escaping (Batch) -> Void) {
        self.batchObservers.append(observer)
    }

    /// Like ``observeEvents(_:)``, with the name of the statement that inserted each Event (`nil` for
    /// an Event that entered the runtime): a server keys a statement's Events its own way.
    /// - Parameter observer: Receives each Event and its producer, on the runtime's thread.
    public func observeEvents(withProducer observer: @escaping (Event, _ producer: String?) -> Void) {
        self.eventObservers.append(observer)
        self.invalidateRoutes()
    }

    /// Adds a listener to a running statement. Returns false if there is no such statement.
    @discardableResult
    public func addListener(to statement: String, _ listener: @escaping StatementListener) -> Bool {
        guard let s = self.statements.first(where: { $0.name == statement }) else { return false }
        s.listeners.append(listener)
        return true
    }

    /// Stops and removes a statement; its pending timers are ignored. Returns false if there is none.
    @discardableResult
    public func remove(statement name: String) -> Bool {
        guard let i = self.statements.firstIndex(where: { $0.name == name }) else { return false }
        let companions = self.statements[i].companions
        let removed = self.statements[i]
        removed.stop()
        self.statements.remove(at: i)
        for holder in self.statements where !holder.windowReaders.isEmpty {
            holder.windowReaders.removeAll { $0 === removed }
        }
        for c in companions { self.remove(statement: c) }
        self.namedWindows.remove(name)
        self.invalidateRoutes()
        return true
    }

    /// The running statements, in creation order.
    public var statementInfos: [StatementInfo] {
        self.statements.filter { !$0.isCompanion }.map { s in
            // A context statement's figures are its partitions' copies' together.
            let copies = (s.front as? ContextFront)?.partitions.map(\.statement) ?? [s]
            var info = StatementInfo(
                name: s.name,
                source: s.source,
                eventsIn: s.eventsIn,
                rowsOut: s.rowsOut,
                windowEvictions: s.front.evictions,
                groupOverflows: (s.front as? ContextFront)?.groupOverflows ?? s.processor?.groupOverflows ?? 0,
                groups: copies.reduce(0) { $0 + ($1.processor?.groupCount ?? 0) },
                patternInstances: s.front.liveInstances,
                patternInstancesDropped: s.front.droppedInstances
            )
            if let context = s.front as? ContextFront {
                info.contextPartitions = context.partitions.count
                info.contextPartitionsRefused = context.refused
            }
            return info
        }
    }

    /// The pattern matcher a statement runs, if it is a pattern statement (for tests).
    func patternMatcher(of statement: String) -> (any PatternMatcher)? {
        self.statements.first { $0.name == statement }?.front.patternMatcher
    }

    /// The events in a statement's window, oldest first (empty if it has none).
    func windowContents(of statement: String) -> [EngineEvent] {
        self.statements.first { $0.name == statement }?.front.contents ?? []
    }

    // MARK: - Events and time

    /// Sends a typed event. On a virtual clock, engine time first advances to its timestamp
    /// (never backwards); on the wall clock it is stamped with the current time. An event whose type has no
    /// model (a builder placeholder) is ignored.
    public func send<E: EventKind>(_ value: E) {
        guard let type = E.builtInType else { return }
        self.sendBody(value.eventBody, type: type, timestamp: value.eventTimestamp)
    }

    /// Sends a typed event that entered at engine time `time` (a recording's `at`); on the wall clock
    /// it is stamped with the current time instead.
    public func send<E: EventKind>(_ value: E, at time: Int64) {
        guard let type = E.builtInType else { return }
        self.sendBody(value.eventBody, type: type, timestamp: time)
    }

    /// Sends an event of a declared type, its values in the type's column order.
    /// - Throws: ``PlanError`` if the type is unknown or not a declared type.
    public func send(row values: [Value], type name: String, timestamp: Int64) throws(PlanError) {
        guard let t = self.types[name], t.representation == .row else {
            throw PlanError(.unknownType, "'\(name)' is not a declared event type", subject: name)
        }
        self.sendBody(.row(values), type: t, timestamp: timestamp)
    }

    func sendBody(_ body: EventBody, type: EventType, timestamp: Int64) {
        switch self.clock {
        case .virtual: self.advance(to: timestamp)
        case .wall: self.advance(to: EngineClock.wallMilliseconds())
        }
        self.process(EngineEvent(type: type, timestamp: self.now, body: body))
    }

    /// Moves engine time forward to `time`, firing every timer due until then in order; each timer
    /// runs at its own time. Does nothing if `time` is not later than ``now``.
    public func advance(to time: Int64) {
        let time = EngineClock.clamped(time)
        while let timer = self.scheduler.popDue(upTo: time) {
            if timer.at > self.now { self.now = timer.at }
            self.routedThisEvent = 0
            timer.statement.fire(timer.kind, at: timer.at, runtime: self)
            self.drain()
        }
        if time > self.now { self.now = time }
    }

    /// On the wall clock: advances to the current time. Call it periodically so timers fire.
    public func tick() {
        if case .wall = self.clock { self.advance(to: EngineClock.wallMilliseconds()) }
    }

    /// When the next timer is due, if any.
    public var nextTimer: Int64? { self.scheduler.nextDue }

    private func process(_ event: EngineEvent) {
        self.routedThisEvent = 0
        self.dispatch(event)
        self.drain()
    }

    /// Queues an event statement `producer` inserted; it is dispatched after the current one.
    func enqueue(_ event: EngineEvent, from producer: String) {
        guard self.routedThisEvent < self.limits.maxRoutedPerEvent else {
            self.counters.routedDropped += 1
            return
        }
        self.routedThisEvent += 1
        // Observers see an inserted Event when it is queued, which keeps the processing order and
        // knows its producer.
        if !self.eventObservers.isEmpty, self.route(for: event.type).observed {
            let e = event.asEvent
            for observe in self.eventObservers { observe(e, producer) }
        }
        self.queue.append(event)
    }

    private func drain() {
        guard !self.dispatching else { return }
        self.dispatching = true
        while let e = self.queue.popFirst() { self.deliver(e, self.route(for: e.type)) }
        self.dispatching = false
    }

    /// Delivers an Event that entered the runtime to its statements, observers first (an inserted one
    /// is observed when queued).
    private func dispatch(_ event: EngineEvent) {
        let route = self.route(for: event.type)
        if route.observed {
            let e = event.asEvent
            for observe in self.eventObservers { observe(e, nil) }
        }
        self.deliver(event, route)
    }

    @inline(__always) private func deliver(_ event: EngineEvent, _ route: Route) {
        route.counter.count += 1
        for t in route.targets where t.statement.active { t.statement.receive(event, input: t.input, runtime: self) }
    }

    private func route(for type: EventType) -> Route {
        if let last = self.lastRoute, last.type === type { return last.route }
        let id = ObjectIdentifier(type)
        if let cached = self.routes[id] {
            self.lastRoute = (type, cached)
            return cached
        }
        let counter = self.received[id] ?? TypeCounter(type)
        self.received[id] = counter
        var targets: [(statement: Statement, input: Int)] = []
        for s in self.statements {
            let once = s.front.deliversOncePerEvent
            for (i, t) in s.inputs.enumerated() where type.isSubtype(of: t) {
                targets.append((s, i))
                if once { break }
            }
        }
        let observed = !self.eventObservers.isEmpty && self.types["Event"].map { type.isSubtype(of: $0) } == true
        let route = Route(targets: targets, counter: counter, observed: observed)
        self.routes[id] = route
        self.lastRoute = (type, route)
        return route
    }

    /// Logs a warning the first time and every 10 000th time something is counted.
    func warn(_ message: @autoclosure () -> String, count: Int) {
        if count == 1 || count % 10_000 == 0 { self.logger.warning("\(message()) (\(count) so far)") }
    }

    /// Drops the routing cache (statements or types changed); counts live on in ``received``.
    private func invalidateRoutes() {
        self.routes.removeAll()
        self.lastRoute = nil
    }
}

@available(*, unavailable, message: "a Runtime is single-threaded; own it from one actor or event loop")
extension Runtime: Sendable {}
