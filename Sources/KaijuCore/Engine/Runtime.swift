import DequeModule

/// The engine: routes events to statements, runs their windows, aggregates and timers, and hands
/// output rows to listeners.
///
/// A runtime is single-threaded and deterministic: drive it from one actor or one NIO event loop
/// (``EngineActor`` does the former). On a virtual clock the same input gives the same output, always.
///
/// # Usage
/// ```swift
/// let runtime = Runtime(clock: .virtual(startingAt: 0))
/// try runtime.add(plan, name: "HostIdle") { output in print(output.jsonLines.joined(separator: "\n")) }
/// runtime.send(Metric(name: "cpu", timestamp: 1_000, fields: ["usage_idle": 93.5], tags: ["host": "a"]))
/// runtime.advance(to: 120_000)   // fires every timer due until then
/// ```
public final class Runtime {
    public let clock: EngineClock
    public let limits: RuntimeLimits
    /// Engine time in ms.
    public private(set) var now: Int64
    /// The types this runtime knows.
    public private(set) var types = TypeRegistry()
    /// Counters.
    public var stats: RuntimeStats {
        var s = self.counters
        for c in self.received.values where c.count > 0 { s.eventsIn[c.type.name, default: 0] += c.count }
        return s
    }
    var counters = RuntimeStats()

    var scheduler = Scheduler()
    private var statements: [Statement] = []
    /// The statements each type's events go to; rebuilt when statements or types change.
    private var routes: [ObjectIdentifier: Route] = [:]
    /// Events received per type, by type identity (no string hashing per event); outlives ``routes``.
    private var received: [ObjectIdentifier: TypeCounter] = [:]

    private final class TypeCounter {
        let type: EventType
        var count = 0
        init(_ type: EventType) { self.type = type }
    }

    private final class Route {
        let statements: [Statement]
        let counter: TypeCounter
        init(statements: [Statement], counter: TypeCounter) {
            self.statements = statements
            self.counter = counter
        }
    }
    private var queue: Deque<EngineEvent> = []
    private var routedThisEvent = 0
    private var dispatching = false
    private var unnamed = 0
    private var created = 0

    public init(clock: EngineClock = .virtual(startingAt: 0), limits: RuntimeLimits = RuntimeLimits()) {
        self.clock = clock
        self.limits = limits
        switch clock {
        case .virtual(let start): self.now = start
        case .wall: self.now = EngineClock.wallMilliseconds()
        }
    }

    // MARK: - Types and statements

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
    public func add(_ plan: StatementPlan, name: String? = nil, listener: StatementListener? = nil) throws(PlanError) -> String {
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
            throw PlanError("a statement named '\(stmtName)' already exists")
        }
        var types = self.types
        let s = try StatementCompiler.compile(plan, name: stmtName, types: &types, limits: self.limits)
        self.types = types
        if let listener { s.listeners.append(listener) }
        self.created += 1
        s.ordinal = self.created
        self.statements.append(s)
        self.invalidateRoutes()
        return stmtName
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
        self.statements[i].active = false
        self.statements.remove(at: i)
        self.invalidateRoutes()
        return true
    }

    /// The running statements, in creation order.
    public var statementInfos: [StatementInfo] {
        self.statements.map {
            StatementInfo(
                name: $0.name, plan: $0.plan, eventsIn: $0.eventsIn, rowsOut: $0.rowsOut,
                windowEvictions: $0.windowEvictions, groupOverflows: $0.processor.groupOverflows,
                groups: $0.processor.groupCount
            )
        }
    }

    /// The events in a statement's window, oldest first (empty if it has none).
    public func windowContents(of statement: String) -> [EngineEvent] {
        self.statements.first { $0.name == statement }?.windowContents ?? []
    }

    // MARK: - Events and time

    /// Sends a typed event. On a virtual clock, engine time first advances to its timestamp
    /// (never backwards); on the wall clock it is stamped with the current time.
    public func send<E: EventKind>(_ value: E) {
        self.sendBody(value.eventBody, typeName: E.eventTypeName, timestamp: value.eventTimestamp)
    }

    /// Sends a typed event that entered at engine time `time` (a recording's `at`); on the wall clock
    /// it is stamped with the current time instead.
    public func send<E: EventKind>(_ value: E, at time: Int64) {
        self.sendBody(value.eventBody, type: self.types[E.eventTypeName]!, timestamp: time)
    }

    /// Sends an event of a declared type, its values in the type's column order.
    /// - Throws: ``PlanError`` if the type is unknown or not a declared type.
    public func send(row values: [Value], type name: String, timestamp: Int64) throws(PlanError) {
        guard let t = self.types[name], t.representation == .row else {
            throw PlanError("'\(name)' is not a declared event type")
        }
        self.sendBody(.row(values), type: t, timestamp: timestamp)
    }

    private func sendBody(_ body: EventBody, typeName: String, timestamp: Int64) {
        self.sendBody(body, type: self.types[typeName]!, timestamp: timestamp)
    }

    private func sendBody(_ body: EventBody, type: EventType, timestamp: Int64) {
        switch self.clock {
        case .virtual: self.advance(to: timestamp)
        case .wall: self.advance(to: EngineClock.wallMilliseconds())
        }
        self.process(EngineEvent(type: type, timestamp: self.now, body: body))
    }

    /// Moves engine time forward to `time`, firing every timer due until then in order; each timer
    /// runs at its own time. Does nothing if `time` is not later than ``now``.
    public func advance(to time: Int64) {
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

    func enqueue(_ event: EngineEvent) {
        guard self.routedThisEvent < self.limits.maxRoutedPerEvent else {
            self.counters.routedDropped += 1
            return
        }
        self.routedThisEvent += 1
        self.queue.append(event)
    }

    private func drain() {
        guard !self.dispatching else { return }
        self.dispatching = true
        while let e = self.queue.popFirst() { self.dispatch(e) }
        self.dispatching = false
    }

    private func dispatch(_ event: EngineEvent) {
        let route = self.route(for: event.type)
        route.counter.count += 1
        for s in route.statements where s.active { s.receive(event, runtime: self) }
    }

    private func route(for type: EventType) -> Route {
        let id = ObjectIdentifier(type)
        if let cached = self.routes[id] { return cached }
        let counter = self.received[id] ?? TypeCounter(type)
        self.received[id] = counter
        let route = Route(statements: self.statements.filter { type.isSubtype(of: $0.type) }, counter: counter)
        self.routes[id] = route
        return route
    }

    /// Drops the routing cache (statements or types changed); counts live on in ``received``.
    private func invalidateRoutes() {
        self.routes.removeAll()
    }
}

@available(*, unavailable, message: "a Runtime is single-threaded; own it from one actor or event loop (see EngineActor)")
extension Runtime: Sendable {}
