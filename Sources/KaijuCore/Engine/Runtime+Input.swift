extension Runtime {
    /// Feeds one typed input: at engine time `time` if given, else at the event's own timestamp (on the wall
    /// clock, now). A Batch goes in as the original sent it: the Batch event, then one Span event per span.
    /// - Parameters:
    ///   - input: The event.
    ///   - time: The engine time it entered at (a recording's `at`), if known.
    public func send(_ input: InputEvent, at time: Int64? = nil) {
        // One switch straight into the event body: the model is copied once, into the engine's event.
        switch input {
        case .metric(let m): self.sendBody(.metric(m), type: .metric, timestamp: time ?? m.timestamp)
        case .log(let l): self.sendBody(.log(l), type: .log, timestamp: time ?? l.eventTimestamp)
        case .event(let e): self.sendBody(.event(e), type: .event, timestamp: time ?? e.eventTimestamp)
        case .batch(let b):
            self.sendBody(.batch(b), type: .batch, timestamp: time ?? b.eventTimestamp)
            for span in b.spans { self.sendBody(.span(span), type: .span, timestamp: time ?? span.eventTimestamp) }
        }
    }
}
