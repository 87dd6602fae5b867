extension Runtime {
    /// Feeds one recorded event at its recorded engine time (virtual clock) or now (wall clock).
    /// - Parameter line: The recording line.
    public func send(_ line: RecordingLine) {
        self.send(line.event, at: line.at)
    }
}
