import Testing

@testable import KaijuCore

/// Rows of `select *` are views of their event: the same values, JSON and equality as a row of values.
struct RowTests {
    @Test func aSelectStarRowReadsTheEventsColumns() throws {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        var rows: [Row] = []
        try runtime.add(StatementPlan(streams: [.type("Metric")], select: [.wildcard]), name: "all") {
            rows += $0.rows
        }
        runtime.send(Metric(name: "cpu", timestamp: 7, fields: ["idle": 2.5], tags: ["host": "a"]))
        let row = try #require(rows.first)
        #expect(row.columns == ["name", "timestamp", "fields", "tags"])
        #expect(row.values == [.string("cpu"), .int(7), .object(["idle": 2.5]), .object(["host": "a"])])
        #expect(row.value(at: 1) == .int(7))
        #expect(row.value(at: 4) == .null)
        #expect(row["tags"] == .object(["host": "a"]))
        #expect(row.jsonString == #"{"name":"cpu","timestamp":7,"fields":{"idle":2.5},"tags":{"host":"a"}}"#)
        let copied = Row(columns: row.columns, values: row.values)
        #expect(row == copied)
        #expect(Set([row, copied]).count == 1)
    }

    @Test func aDeclaredTypesSelectStarRowShowsItsValues() throws {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        try runtime.declare(SchemaDeclaration("S", columns: [Column("k", .string), Column("v", .long)]))
        try runtime.send(row: [.string("a"), .int(1)], type: "S", timestamp: 0)
        var rows: [Row] = []
        try runtime.add(StatementPlan(streams: [.type("S")], select: [.wildcard]), name: "all") { rows += $0.rows }
        try runtime.send(row: [.string("b"), .int(2)], type: "S", timestamp: 1)
        #expect(rows.map(\.jsonString) == [#"{"k":"b","v":2}"#])
    }
}
