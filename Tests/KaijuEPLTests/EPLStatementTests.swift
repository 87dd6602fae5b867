import KaijuCore
import KaijuEPL
import Testing

/// EPL text statements beyond the reference's: each asserts the exact rows a rule prints for its input.
struct EPLStatementTests {
    /// A runtime on the virtual clock with `statements` installed, each printing to `rows`.
    final class Harness {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        var rows: [String] = []

        init(_ statements: [String]) throws {
            for (i, text) in statements.enumerated() {
                try EPL.install(text, in: self.runtime, name: "s\(i)") { [unowned self] in self.rows += $0.jsonLines }
            }
        }

        func metric(_ name: String, _ v: Double, host: String = "a", at: Int64) {
            self.runtime.send(
                Metric(name: name, timestamp: at, fields: ["v": Value.double(v)], tags: ["host": Value.string(host)])
            )
        }
    }

    @Test func orderByAndLimitApplyToEachOutputBatch() throws {
        let h = try Harness([
            "select tags('host') as host, sum(fields('v')) as total from Metric#time_batch(10 sec) group by tags('host') order by total desc limit 2"
        ])
        h.metric("cpu", 1, host: "a", at: 1_000)
        h.metric("cpu", 5, host: "b", at: 2_000)
        h.metric("cpu", 3, host: "c", at: 3_000)
        h.metric("cpu", 1, host: "a", at: 4_000)
        h.runtime.advance(to: 11_000)
        #expect(
            h.rows == [
                #"{"statement":"s0","row":{"host":"b","total":5.0}}"#,
                #"{"statement":"s0","row":{"host":"c","total":3.0}}"#,
            ]
        )
    }

    @Test func onSelectReadsTheCorrelatedTableRows() throws {
        let h = try Harness([
            "create table Limits (host string primary key, max double)",
            "on Metric(name = 'limit') as m merge Limits l where l.host = m.tags('host') when matched then update set max = m.fields('v') when not matched then insert select m.tags('host') as host, m.fields('v') as max",
            "on Metric(name = 'cpu') as m select l.host as host, l.max as max, m.fields('v') as v from Limits l where l.host = m.tags('host') and m.fields('v') > l.max",
        ])
        h.metric("limit", 10, host: "a", at: 1)
        h.metric("limit", 20, host: "b", at: 2)
        h.metric("cpu", 15, host: "a", at: 3)
        h.metric("cpu", 15, host: "b", at: 4)
        h.metric("limit", 12, host: "a", at: 5)
        h.metric("cpu", 11, host: "a", at: 6)
        // The merge delivers each inserted or updated row, as Esper's insert stream does.
        #expect(
            h.rows == [
                #"{"statement":"s1","row":{"host":"a","max":10.0}}"#,
                #"{"statement":"s1","row":{"host":"b","max":20.0}}"#,
                #"{"statement":"s2","row":{"host":"a","max":10.0,"v":15.0}}"#,
                #"{"statement":"s1","row":{"host":"a","max":12.0}}"#,
            ]
        )
        let all = try EPL.install("on Metric(name = 'dump') select * from Limits", in: h.runtime, name: "dump") {
            h.rows += $0.jsonLines
        }
        #expect(all == "dump")
        h.metric("dump", 0, at: 7)
        #expect(
            h.rows.suffix(2) == [
                #"{"statement":"dump","row":{"host":"a","max":12.0}}"#,
                #"{"statement":"dump","row":{"host":"b","max":20.0}}"#,
            ]
        )
    }

    @Test func namedWindowsKeepWhatIsInsertedForQueries() throws {
        let h = try Harness([
            "create window Recent#length(2) as (host string, v double)",
            "insert into Recent select tags('host') as host, fields('v') as v from Metric",
        ])
        for (i, host) in ["a", "b", "c"].enumerated() { h.metric("cpu", Double(i), host: host, at: Int64(i)) }
        guard case .select(let plan) = try EPL.parse("select host, v from Recent order by v desc") else {
            Issue.record("not a select")
            return
        }
        #expect(try h.runtime.query(plan).map(\.jsonString) == [#"{"host":"c","v":2.0}"#, #"{"host":"b","v":1.0}"#])
        try EPL.install("create schema Sample(host string, v double)", in: h.runtime)
        try EPL.install("create window Copy#keepall as select * from Sample", in: h.runtime)
        #expect(h.runtime.types["Copy"]?.columns.map(\.name) == ["host", "v"])
    }

    @Test func onDemandQueriesJoinTablesAndWindowsWithGroupingAndOrder() throws {
        let h = try Harness([
            "create window Recent#keepall as (host string, v double)",
            "insert into Recent select tags('host') as host, fields('v') as v from Metric",
            "create table Owners(host string primary key, team string)",
            "on Metric(name = 'own') as m merge Owners o where o.host = tags('host') "
                + "when not matched then insert select tags('host') as host, tags('team') as team",
        ])
        for (i, host) in ["a", "b", "a", "c"].enumerated() { h.metric("cpu", Double(i + 1), host: host, at: Int64(i)) }
        for (host, team) in [("a", "red"), ("b", "blue"), ("c", "red")] {
            h.runtime.send(
                Metric(
                    name: "own",
                    timestamp: 10,
                    fields: ["v": Value.double(0)],
                    tags: ["host": Value.string(host), "team": Value.string(team)]
                )
            )
        }
        guard
            case .select(let plan) = try EPL.parse(
                "select o.team as team, count(*) as n, sum(r.v) as total from Recent as r, Owners as o "
                    + "where r.host = o.host and r.v > 0 group by o.team order by total desc"
            )
        else {
            Issue.record("not a select")
            return
        }
        #expect(
            try h.runtime.query(plan).map(\.jsonString) == [
                #"{"team":"red","n":3,"total":8.0}"#, #"{"team":"blue","n":1,"total":2.0}"#,
            ]
        )
    }

    @Test func insertIntoSelectStarCopiesTheSourceColumns() throws {
        let h = try Harness([
            "create schema A(field1 String, field2 int)", "insert into Output select * from A#time(10 sec)",
            "select field1 from Output",
        ])
        try h.runtime.send(row: ["x", .int(1)], type: "A", timestamp: 5)
        #expect(
            h.rows == [
                #"{"statement":"s1","row":{"field1":"x","field2":1}}"#, #"{"statement":"s2","row":{"field1":"x"}}"#,
            ]
        )
    }

    @Test func nullInAndBetweenTests() throws {
        let h = try Harness([
            "select tags('host') as host from Metric where tags('rack') is null and tags('host') in ('a', 'c') and fields('v') between 0 and 6",
            "select tags('host') as host from Metric where tags('host') is not null and tags('host') not in ('a', 'b') and fields('v') not between 1 and 5",
        ])
        for (i, host) in ["a", "b", "c", "d"].enumerated() { h.metric("cpu", Double(i * 3), host: host, at: Int64(i)) }
        #expect(
            h.rows == [
                #"{"statement":"s0","row":{"host":"a"}}"#, #"{"statement":"s0","row":{"host":"c"}}"#,
                #"{"statement":"s1","row":{"host":"c"}}"#,
                #"{"statement":"s1","row":{"host":"d"}}"#,
            ]
        )
    }

    @Test func javaCallsMapToBuiltIns() throws {
        let h = try Harness([
            "select java.time.Instant.now().toEpochMilli() as now, java.lang.Math.abs(fields('v')) as a, Math.sqrt(16) as r, Long.toHexString(255) as hex, eps.EventToJsonConverter.traceIdToHex(0, 255) as id, fields('v').toString() as s, current_timestamp() as t from Metric"
        ])
        h.metric("cpu", -2.5, at: 1_234)
        #expect(
            h.rows == [
                #"{"statement":"s0","row":{"now":1234,"a":2.5,"r":4.0,"hex":"ff","id":"ff","s":"-2.5","t":1234}}"#
            ]
        )
    }

    @Test func rstreamOutputsEventsLeavingTheWindow() throws {
        let h = try Harness([
            "select rstream tags('host') as host from Metric#length(2)",
            "insert rstream into Gone select name from Metric#time(1 sec)", "select * from Gone",
        ])
        for (i, host) in ["a", "b", "c", "d"].enumerated() { h.metric("cpu", 0, host: host, at: Int64(i) * 400) }
        #expect(
            h.rows == [
                #"{"statement":"s0","row":{"host":"a"}}"#, #"{"statement":"s1","row":{"name":"cpu"}}"#,
                #"{"statement":"s2","row":{"name":"cpu"}}"#,
                #"{"statement":"s0","row":{"host":"b"}}"#,
            ]
        )
    }

    @Test func irstreamDeliversOldRowsAfterTheNewOnes() throws {
        let h = try Harness([
            "select irstream tags('host') as host from Metric#length(1)",
            "select irstream count(*) as n from Metric#time(1 sec)",
            "select irstream tags('host') as host, count(*) as n from Metric#length(2) group by tags('host') having count(*) < 2",
            "select rstream count(*) as n from Metric#length(2)",
        ])
        h.metric("cpu", 0, host: "a", at: 0)
        h.metric("cpu", 0, host: "b", at: 400)
        h.metric("cpu", 0, host: "b", at: 800)
        h.runtime.advance(to: 1_500)
        #expect(
            h.rows == [
                #"{"statement":"s0","row":{"host":"a"}}"#,
                #"{"statement":"s1","row":{"n":1}}"#, #"{"statement":"s1","old":{"n":0}}"#,
                #"{"statement":"s2","row":{"host":"a","n":1}}"#, #"{"statement":"s2","old":{"host":"a","n":0}}"#,
                #"{"statement":"s3","row":{"n":0}}"#,
                #"{"statement":"s0","row":{"host":"b"}}"#, #"{"statement":"s0","old":{"host":"a"}}"#,
                #"{"statement":"s1","row":{"n":2}}"#, #"{"statement":"s1","old":{"n":1}}"#,
                #"{"statement":"s2","row":{"host":"b","n":1}}"#, #"{"statement":"s2","old":{"host":"b","n":0}}"#,
                #"{"statement":"s3","row":{"n":1}}"#,
                // The third event pushes a out of #length(2): b's group reaches 2 (having fails for the new
                // row), a's falls to 0; each old row shows the group before the update.
                #"{"statement":"s0","row":{"host":"b"}}"#, #"{"statement":"s0","old":{"host":"b"}}"#,
                #"{"statement":"s1","row":{"n":3}}"#, #"{"statement":"s1","old":{"n":2}}"#,
                #"{"statement":"s2","row":{"host":"a","n":0}}"#,
                #"{"statement":"s2","old":{"host":"b","n":1}}"#, #"{"statement":"s2","old":{"host":"a","n":1}}"#,
                #"{"statement":"s3","row":{"n":2}}"#,
                // #time(1 sec) expiries at 1 000 and 1 400.
                #"{"statement":"s1","row":{"n":2}}"#, #"{"statement":"s1","old":{"n":3}}"#,
                #"{"statement":"s1","row":{"n":1}}"#, #"{"statement":"s1","old":{"n":2}}"#,
            ]
        )
        #expect(throws: EPLSyntaxError.self) {
            try EPL.install("select irstream count(*) from Metric output last every 1 sec", in: h.runtime)
        }
    }

    @Test func likeRegexpAndCastFollowEsper() throws {
        let h = try Harness([
            "select tags('host') as host from Metric(tags('host') like 'a%' and tags('host') not like '_b%')",
            "select tags('host') as host from Metric(tags('host') regexp '[a-c][0-9]+')",
            "select cast(fields('v'), int) as i, cast(fields('v'), java.lang.String) as s, cast(tags('host'), double) as d from Metric",
        ])
        for (i, (host, v)) in [("a1", 2.75), ("ab", -1.5), ("c10", 4.0), ("12.5", 0.25), ("a\\%", 1.0)].enumerated() {
            h.metric("cpu", v, host: host, at: Int64(i))
        }
        #expect(
            h.rows == [
                #"{"statement":"s0","row":{"host":"a1"}}"#, #"{"statement":"s1","row":{"host":"a1"}}"#,
                #"{"statement":"s2","row":{"i":2,"s":"2.75","d":null}}"#,
                #"{"statement":"s2","row":{"i":-1,"s":"-1.5","d":null}}"#,
                #"{"statement":"s1","row":{"host":"c10"}}"#,
                #"{"statement":"s2","row":{"i":4,"s":"4.0","d":null}}"#,
                #"{"statement":"s2","row":{"i":0,"s":"0.25","d":12.5}}"#,
                #"{"statement":"s0","row":{"host":"a\\%"}}"#,
                #"{"statement":"s2","row":{"i":1,"s":"1.0","d":null}}"#,
            ]
        )
        #expect(throws: EPLSyntaxError.self) { try EPL.install("select * from Metric(name regexp '(')", in: h.runtime) }
        #expect(throws: EPLSyntaxError.self) { try EPL.install("select cast(name, date) from Metric", in: h.runtime) }
    }
}
