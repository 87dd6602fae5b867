/// What a pattern state reports to: its parent operator, or the pattern's root.
protocol PatternParent: AnyObject {
    /// `child` matched; `quitted` says whether it ended with that match.
    func childTrue(_ child: PatternState, _ match: EngineEvent, quitted: Bool)
    /// `child` ended without a match; `restartable` is false when restarting it could never help.
    func childFalse(_ child: PatternState, restartable: Bool)
}

/// The tags an `and`'s operands have bound so far, visible to its other operands' filters when they
/// evaluate (so `a=A and b=B(pod = a.pod)` matches `b` after `a`).
final class SiblingBindings {
    @exclusivity(unchecked) var parts: [EngineEvent?]
    init(_ parts: [EngineEvent?]) { self.parts = parts }
}

/// A live instance of a pattern operator. States form a tree mirroring the pattern; a state that ends
/// reports to its parent once and is then inert (`active == false`, no parent, no children).
class PatternState {
    unowned let engine: PatternEngine
    @exclusivity(unchecked) var parent: (any PatternParent)?
    /// The match so far when the state started (a tuple event).
    let begin: EngineEvent
    /// Bindings made by `and` siblings after the state started.
    let siblings: SiblingBindings?
    @exclusivity(unchecked) var active = true
    /// Where the parent keeps this state, for parents holding many children.
    @exclusivity(unchecked) var position = 0

    init(engine: PatternEngine, parent: any PatternParent, begin: EngineEvent, siblings: SiblingBindings?) {
        self.engine = engine
        self.parent = parent
        self.begin = begin
        self.siblings = siblings
    }

    func start() {}

    /// Ends the state and everything below it without reporting.
    func quit() {
        self.active = false
        self.parent = nil
    }

    /// Ends the state and reports a match to the parent.
    final func endTrue(_ match: EngineEvent) {
        let p = self.parent
        self.quit()
        p?.childTrue(self, match, quitted: true)
    }

    /// Ends the state and reports failure to the parent.
    final func endFalse(restartable: Bool) {
        let p = self.parent
        self.quit()
        p?.childFalse(self, restartable: restartable)
    }

    /// A timer this state scheduled fired.
    func timerFired() {}
}

/// A scheduled pattern timer (`timer:within`, `timer:interval`); ignored once its state has ended.
final class PatternTimer {
    private(set) weak var state: PatternState?
    init(_ state: PatternState) { self.state = state }
}
