extension Runtime {
    /// Feeds one typed input: at engine time `time` if given, else at the event's own timestamp (on the wall
    /// clock, now). A Batch goes in as the original sent it: the Batch event, then one Span event per span.
    /// - Parameters:
    ///   - input: The event.
    ///   - time: The engine time it entered at (a recording's `at`), if known.
    public func send(_ input: InputEvent, at time: Int64? = nil) {
        func put<E: EventKind>(_ e: E) {
            if let time { self.send(e, at: time) } else { self.send(e) }
        }
        switch input {
        case .metric(let m): put(m)
        case .log(let l): put(l)
        case .batch(let b):
            put(b)
            for span in b.spans { put(span) }
        case .event(let e): put(e)
        }
    }
}
