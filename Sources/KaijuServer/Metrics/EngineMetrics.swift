import KaijuCore

/// The engine's figures per statement and per table, brought into the server's metrics when `/metrics`
/// is asked for; the series of statements and tables that are gone are dropped.
enum EngineMetrics {
    /// A per-statement metric: its name, whether it is a counter, and its value.
    private static let perStatement: [(name: String, counter: Bool, value: @Sendable (StatementInfo) -> Int)] = [
        ("kaiju_statement_events_in_total", true, { $0.eventsIn }),
        ("kaiju_statement_rows_out_total", true, { $0.rowsOut }),
        ("kaiju_statement_window_evictions_total", true, { $0.windowEvictions }),
        ("kaiju_statement_groups", false, { $0.groups }),
        ("kaiju_statement_group_overflows_total", true, { $0.groupOverflows }),
        ("kaiju_statement_pattern_instances", false, { $0.patternInstances }),
        ("kaiju_statement_pattern_instances_dropped_total", true, { $0.patternInstancesDropped }),
        ("kaiju_statement_context_partitions", false, { $0.contextPartitions }),
        ("kaiju_statement_context_partitions_refused_total", true, { $0.contextPartitionsRefused }),
    ]

    /// Updates every statement's and table's metrics in `stats`.
    static func update(_ stats: IngestStats, statements: [StatementInfo], tables: [TableCounter]) {
        var keep: Set<IngestStats.Key> = []
        for statement in statements {
            for metric in Self.perStatement {
                let key = IngestStats.Key(metric.name, ["statement": statement.name])
                keep.insert(key)
                if metric.counter {
                    stats.sync(key, to: metric.value(statement))
                } else {
                    stats.set(key, metric.value(statement))
                }
            }
        }
        for table in tables {
            let rows = IngestStats.Key("kaiju_table_rows", ["table": table.name])
            let refused = IngestStats.Key("kaiju_table_rows_refused_total", ["table": table.name])
            keep.formUnion([rows, refused])
            stats.set(rows, table.rows)
            stats.sync(refused, to: table.refused)
        }
        let names = Set(Self.perStatement.map(\.name) + ["kaiju_table_rows", "kaiju_table_rows_refused_total"])
        stats.retain(names, keeping: keep)
    }
}
