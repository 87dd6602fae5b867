/// What a pattern front drives: the general state-tree engine, or a specialised matcher for a common
/// shape. Each appends the complete matches (tuples of the tagged events) to the caller's buffer.
protocol PatternMatcher: AnyObject {
    /// The distinct types the pattern's atoms wait for.
    var inputTypes: [EventType] { get }
    /// Waits currently live.
    var liveInstances: Int { get }
    /// Instances refused by the instance limit.
    var droppedInstances: Int { get }
    /// Starts the pattern at engine time `now`; appends the matches produced at once to `out`.
    func start(now: Int64, into out: inout [EngineEvent])
    /// Matches `event` (arrived at engine time `now`); appends the complete matches to `out`.
    func receive(_ event: EngineEvent, now: Int64, into out: inout [EngineEvent])
    /// A guard or interval timer fired at engine time `now`; appends the matches that caused to `out`.
    func fire(_ timer: PatternTimer, now: Int64, into out: inout [EngineEvent])
    /// The timers the last call asked for (engine time due, timer), for the caller to schedule.
    func takeTimers() -> [(at: Int64, timer: PatternTimer)]
    /// Ends every instance (statement removed).
    func stop()
}

extension PatternMatcher {
    /// Schedules the timers the last call asked for, for `statement`, and warns about the instances refused
    /// since `warned` (which it advances).
    @inline(__always) func settle(statement: Statement, runtime: Runtime, warned: inout Int) {
        for (at, timer) in self.takeTimers() { runtime.scheduler.schedule(at: at, statement, .pattern(timer)) }
        while warned < self.droppedInstances {
            warned += 1
            runtime.warnPatternLimit(
                statement: statement.name,
                limit: runtime.limits.maxPatternInstances,
                dropped: warned
            )
        }
    }
}

extension Runtime {
    /// Logs (rate-limited by ``warn(_:count:)``) that a pattern refused an instance at its limit.
    func warnPatternLimit(statement: String, limit: Int, dropped: Int) {
        self.warn(
            "pattern of statement '\(statement)' is at its limit of \(limit) live instances; dropping new ones",
            count: dropped
        )
    }
}

extension [PatternAtom] {
    /// The distinct types the atoms wait for, in first-use order.
    var distinctTypes: [EventType] {
        var out: [EventType] = []
        for a in self where !out.contains(where: { $0 === a.type }) { out.append(a.type) }
        return out
    }
}
