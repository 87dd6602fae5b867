/// What each of Kaiju's own metrics means: the `# HELP` line `GET /metrics` writes before it.
enum MetricCatalog {
    /// The help text of `name` (a generic line for a name not listed, which the tests do not allow).
    static func help(_ name: String) -> String { Self.entries[name] ?? "Kaiju metric \(name)." }

    /// Every metric described.
    static var names: [String] { Array(Self.entries.keys) }

    /// Whether `name` has its own help text.
    static func describes(_ name: String) -> Bool { Self.entries[name] != nil }

    private static let entries: [String: String] = [
        // Ingest.
        "kaiju_events_in_total": "Input events handed to the engine, by type.",
        "kaiju_events_out_total": "Events produced by rules and sent on (to kaiju-hl or JetStream), by type.",
        "kaiju_decode_errors_total": "Input that could not be decoded, by protocol.",
        "kaiju_dropped_total": "Input dropped, by reason (backpressure, shutdown, unsupported, ...).",
        "kaiju_limit_hits_total": "Input or connections refused for exceeding a limit, by limit.",
        "kaiju_backpressure_pauses_total": "Times a TCP connection paused reading because the engine was behind.",
        "kaiju_http_requests_total": "HTTP requests answered, by listener and status code.",
        "kaiju_admin_refused_total": "Admin requests refused (token or Host), by status code.",
        "kaiju_queue_depth": "Batches queued for the engine now.",
        "kaiju_queue_depth_max": "The most batches ever queued for the engine at once.",
        "kaiju_connections": "TCP and HTTP connections open on the ingest listeners.",
        "kaiju_recording_lost_lines": "Input lines the recording could not write.",
        "kaiju_limit": "A configured limit's value, by limit.",
        // Forwarding to kaiju-hl.
        "kaiju_forwarded_total": "Events acknowledged by kaiju-hl.",
        "kaiju_forward_dropped_total": "Events dropped because the forward buffer was full.",
        "kaiju_forward_resent_total": "Events sent again to kaiju-hl after a reconnect.",
        "kaiju_forward_backlog": "Events held for kaiju-hl, unacknowledged or unsent.",
        // NATS and JetStream.
        "kaiju_nats_published_total": "Events published to JetStream and acknowledged.",
        "kaiju_nats_publish_dropped_total": "Events dropped because the JetStream publish buffer was full.",
        "kaiju_nats_publish_failures_total": "JetStream publish windows that failed and were retried.",
        "kaiju_nats_publish_pending": "Events waiting to be published to JetStream.",
        "kaiju_nats_consumed_total": "Events consumed from JetStream, by partition.",
        "kaiju_nats_redelivered_total": "Events JetStream delivered more than once, by partition.",
        "kaiju_nats_pending": "Events in a partition's stream not yet delivered to this replica, by partition.",
        "kaiju_nats_ack_pending": "Events delivered to this replica and not yet acknowledged, by partition.",
        "kaiju_nats_partitions": "Partitions this replica consumes.",
        "kaiju_nats_input_messages_total": "Agents' messages read from NATS subjects.",
        // Scraping and delivery.
        "kaiju_scrape_total": "Scrapes of Prometheus endpoints, by target and outcome.",
        "kaiju_scrape_samples": "Samples read by a target's last scrape, by target.",
        "kaiju_delivery_total": "Rows delivered to Alertmanager or webhooks, by sink and outcome.",
        "kaiju_delivery_queue": "Rows waiting for delivery, by sink.",
        // Statements and tables.
        "kaiju_statement_events_in_total": "Events a statement has seen, by statement.",
        "kaiju_statement_rows_out_total": "Rows a statement has produced, by statement.",
        "kaiju_statement_window_evictions_total": "Events evicted from a statement's windows at their row limit.",
        "kaiju_statement_groups": "Groups a statement holds now, by statement.",
        "kaiju_statement_group_overflows_total": "Events refused because a statement was at its group limit.",
        "kaiju_statement_pattern_instances": "Pattern instances a statement holds now, by statement.",
        "kaiju_statement_pattern_instances_dropped_total": "Pattern instances dropped at the instance limit.",
        "kaiju_statement_context_partitions": "Context partitions a statement holds now, by statement.",
        "kaiju_statement_context_partitions_refused_total": "Context partitions refused at their limit.",
        "kaiju_table_rows": "Rows a table holds now, by table.",
        "kaiju_table_rows_refused_total": "Rows refused because a table was at its row limit, by table.",
        // The process.
        "kaiju_build_info": "Always 1; the labels name the server, Kaiju's version and the Swift compiler.",
        "process_cpu_seconds_total": "User and system CPU time spent, in seconds.",
        "process_resident_memory_bytes": "Resident memory size, in bytes.",
        "process_virtual_memory_bytes": "Virtual memory size, in bytes.",
        "process_open_fds": "Open file descriptors.",
        "process_max_fds": "The most file descriptors the process may open.",
        "process_start_time_seconds": "Start time of the process since the Unix epoch, in seconds.",
    ]
}
