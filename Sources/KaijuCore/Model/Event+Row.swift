extension Event {
    /// The Event a row with `timestamp`, `payload` and `context` columns describes (what a statement
    /// whose listener forwards to kaiju-hl selects); a missing column reads as 0 or an empty map.
    /// - Parameter row: The row.
    public init(row: Row) {
        self.init(
            timestamp: row["timestamp"]?.intValue ?? 0,
            payload: row["payload"]?.objectValue ?? [:],
            context: row["context"]?.objectValue ?? [:]
        )
    }
}
