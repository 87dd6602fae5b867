import Foundation
import KaijuCore
import KaijuEPL
import KaijuTestSupport
import Logging
import NIOCore
import Testing

@testable import KaijuServer

/// The engine's limits on state (context partitions, table rows, pattern instances) are configured,
/// hit, counted and shown in `/metrics`, per statement and per table.
struct EngineLimitMetricsTests {
    static let logger = Logger(label: "test")

    @Test func contextPartitionsTableRowsAndPatternInstancesAreBoundedAndCounted() async throws {
        var configuration = ModuleConfiguration(
            name: "test",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: .loopback,
            hl: nil
        )
        configuration.idleTimeout = nil
        configuration.runtimeLimits = RuntimeLimits(maxPatternInstances: 2, maxContextPartitions: 2, maxTableRows: 2)
        let module = """
            create context ByHost partition by tags('host') from Metric;
            @name('perhost') context ByHost select count(*) as n from Metric;
            create table Seen(host string primary key, n long);
            @name('seen') on Metric as m merge Seen s where s.host = m.tags('host')
              when not matched then insert select m.tags('host') as host, 1L as n;
            @name('waits') select * from pattern [every a=Metric -> b=Metric(name = 'never')];
            """
        let server = try await ModuleServer.start(configuration, logger: Self.logger) { runtime in
            try EPLModule(text: module).install(in: runtime)
        }
        var text = ""
        for (i, host) in ["a", "b", "c", "a", "d"].enumerated() {
            text += #"{"name":"cpu","fields":{"v":\#(i)},"tags":{"host":"\#(host)"},"timestamp":1700000000000}"# + "\n"
        }
        _ = try Loopback.tcp(port: server.boundAddresses["tcp"]?.port ?? 0, Array(text.utf8))
        let admin = server.boundAddresses["admin"]?.port ?? 0
        #expect(
            ServerProcess.wait {
                (try? Loopback.get(port: admin, path: "/metrics"))?.contains(
                    "kaiju_statement_events_in_total{statement=\"seen\"} 5\n"
                ) == true
            }
        )
        let metrics = try Loopback.get(port: admin, path: "/metrics")
        for line in [
            "kaiju_limit{limit=\"context_partitions\"} 2.0\n", "kaiju_limit{limit=\"table_rows\"} 2.0\n",
            "kaiju_limit{limit=\"pattern_instances\"} 2.0\n",
            "kaiju_statement_context_partitions{statement=\"perhost\"} 2.0\n",
            "kaiju_statement_context_partitions_refused_total{statement=\"perhost\"} 2\n",
            "kaiju_table_rows{table=\"Seen\"} 2.0\n", "kaiju_table_rows_refused_total{table=\"Seen\"} 2\n",
            "kaiju_statement_pattern_instances{statement=\"waits\"} 2.0\n",
            "kaiju_statement_pattern_instances_dropped_total{statement=\"waits\"} 4\n",
        ] {
            #expect(metrics.contains(line), "\(line)")
        }
        try await server.shutdown()
    }
}
