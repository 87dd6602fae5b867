/// A ``Runtime`` owned by an actor, for callers on many tasks (servers, tests).
///
/// # Usage
/// ```swift
/// let engine = EngineActor(clock: .wall)
/// try await engine.add(plan, name: "HostIdle") { output in print(output.jsonLines) }
/// await engine.send(metric)
/// ```
public actor EngineActor {
    private let runtime: Runtime

    public init(clock: EngineClock = .wall, limits: RuntimeLimits = RuntimeLimits()) {
        self.runtime = Runtime(clock: clock, limits: limits)
    }

    /// See ``Runtime/declare(_:)``.
    public func declare(_ schema: SchemaDeclaration) throws(PlanError) {
        try self.runtime.declare(schema)
    }

    /// See ``Runtime/add(_:name:listener:)``; the listener runs on the actor.
    @discardableResult
    public func add(
        _ plan: StatementPlan, name: String? = nil, listener: (@Sendable (StatementOutput) -> Void)? = nil
    ) throws(PlanError) -> String {
        try self.runtime.add(plan, name: name, listener: listener)
    }

    /// See ``Runtime/remove(statement:)``.
    @discardableResult
    public func remove(statement: String) -> Bool { self.runtime.remove(statement: statement) }

    /// See ``Runtime/send(_:)``.
    public func send<E: EventKind>(_ value: E) { self.runtime.send(value) }

    /// See ``Runtime/advance(to:)``.
    public func advance(to time: Int64) { self.runtime.advance(to: time) }

    /// See ``Runtime/tick()``.
    public func tick() { self.runtime.tick() }

    /// Engine time.
    public var now: Int64 { self.runtime.now }

    /// See ``Runtime/statementInfos``.
    public var statementInfos: [StatementInfo] { self.runtime.statementInfos }
}
