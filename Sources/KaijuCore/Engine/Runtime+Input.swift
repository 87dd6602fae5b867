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
            for observe in self.batchObservers { observe(b) }
        case .declared(let d):
            do throws(PlanError) {
                try self.send(d, at: time)
            } catch {
                self.counters.undeclaredDropped += 1
                self.warn("dropped an event of \(error.message)", count: self.counters.undeclaredDropped)
            }
        }
    }

    /// Sends an event of a declared type: each column given is converted to the column's type (a JSON
    /// integer in a `double` column becomes a double); a column not given is null, one the type does not
    /// have is ignored. At engine time `time` if given, else now.
    /// - Throws: ``PlanError`` if the type is not declared (or is not a declared row type).
    public func send(_ event: DeclaredEvent, at time: Int64? = nil) throws(PlanError) {
        guard let type = self.types[event.type], type.representation == .row else {
            throw PlanError(.unknownType, "undeclared type '\(event.type)'", subject: event.type)
        }
        var values = [Value](repeating: .null, count: type.columns.count)
        for entry in event.columns {
            if let i = type.columnIndex(entry.key) { values[i] = type.columns[i].type.coerce(entry.value) }
        }
        self.sendBody(.row(values), type: type, timestamp: time ?? self.now)
    }
}
