import KaijuCore
import KaijuEPL
import Testing

/// Issue 13's statements that killed a server: each is refused with a positioned error naming the limit,
/// and the values that trapped in rules give Java's results.
struct EPLHardeningTests {
    /// The limit an install of `text` is refused for (`nil` if it installs).
    static func refusal(_ text: String) -> String? {
        do {
            try EPL.install(text, in: Runtime())
            return nil
        } catch {
            return error.limit ?? "not a limit: \(error.summary)"
        }
    }

    @Test func deepParenthesesCallsMapsNotsAndMinusesAreRefusedAtTheNestingLimit() {
        #expect(Self.refusal("select " + String(repeating: "(", count: 4_882) + "1 from Metric") == "nesting_depth")
        #expect(Self.refusal("select " + String(repeating: "abs(", count: 3_466) + "1 from Metric") == "nesting_depth")
        #expect(
            Self.refusal("select " + String(repeating: "new { a = ", count: 4_149) + "1 from Metric") == "nesting_depth"
        )
        #expect(
            Self.refusal("select * from pattern [" + String(repeating: "(", count: 9_375) + "Metric]")
                == "nesting_depth"
        )
        #expect(
            Self.refusal("select * from Metric(" + String(repeating: "not ", count: 10_000) + "true)")
                == "nesting_depth"
        )
        #expect(Self.refusal("select " + String(repeating: "- ", count: 20_000) + "1 from Metric") == "nesting_depth")
        #expect(
            Self.refusal("select 1 from Metric(" + String(repeating: "not ", count: 40_000) + "true)")
                == "statement_bytes"
        )
    }

    @Test func nestingJustUnderTheLimitInstallsAndEvaluates() throws {
        let deep = String(repeating: "abs(", count: 120) + "fields('v')" + String(repeating: ")", count: 120)
        let chain = (0..<120).map { _ in "1" }.joined(separator: " + ")
        let h = try EPLStatementTests.Harness(["select \(deep) as d, \(chain) as c from Metric"])
        h.metric("cpu", -2, at: 1_000)
        #expect(h.rows == [#"{"statement":"s0","row":{"d":2.0,"c":120}}"#])
    }

    @Test func longChainsAndListsAreRefusedWithoutBuildingDeepTrees() {
        let plus = (0..<26_000).map { _ in "1" }.joined(separator: "+")
        #expect(Self.refusal("select " + plus + " as s from Metric") == "nesting_depth")
        let list = (0..<26_000).map { _ in "1" }.joined(separator: ",")
        #expect(Self.refusal("select 1 in (" + list + ") as s from Metric") == "list_items")
    }

    @Test func theNestingErrorIsPositionedAtTheFirstTokenPastTheLimit() throws {
        let limits = EPLLimits(maxNestingDepth: 3)
        #expect(
            throws: EPLSyntaxError(
                "nested deeper than the limit of 3 levels",
                line: 1,
                column: 11,
                sourceLine: "select (((1))) from Metric",
                limit: "nesting_depth"
            )
        ) {
            try EPL.parse("select (((1))) from Metric", limits: limits)
        }
        _ = try EPL.parse("select ((1)) from Metric", limits: limits)
    }

    @Test func aStatementOverTheSizeLimitIsRefusedAtItsStart() {
        let limits = EPLLimits(maxStatementBytes: 20)
        #expect(
            throws: EPLSyntaxError(
                "the statement is 24 bytes, more than the limit of 20",
                line: 1,
                column: 1,
                sourceLine: "select ((1)) from Metric",
                limit: "statement_bytes"
            )
        ) {
            try EPL.parse("select ((1)) from Metric", limits: limits)
        }
    }

    @Test func inWithAFlatListKeepsThreeValuedResults() throws {
        let h = try EPLStatementTests.Harness([
            "select fields('v') in (1.0, 2.0) as a, fields('v') in (5.0, null) as b, fields('x') in (1.0) as c, fields('v') not in (3.0) as d from Metric"
        ])
        h.metric("cpu", 2, at: 1_000)
        h.metric("cpu", 3, at: 2_000)
        #expect(
            h.rows == [
                #"{"statement":"s0","row":{"a":true,"b":null,"c":null,"d":true}}"#,
                #"{"statement":"s0","row":{"a":false,"b":null,"c":null,"d":false}}"#,
            ]
        )
    }

    @Test func joinsBeyondTheStreamLimitAreRefusedAndLargeJoinsPlanQuickly() throws {
        let runtime = Runtime()
        let streams = (0..<100).map { "Metric#lastevent as m\($0)" }.joined(separator: ", ")
        #expect(throws: EPLSyntaxError.self) { try EPL.install("select m0.name as n from " + streams, in: runtime) }
        let sixtyFour = (0..<64).map { "Metric#lastevent as m\($0)" }.joined(separator: ", ")
        let conjuncts = (1..<64).map { "m\($0).name = m\($0 - 1).name" }.joined(separator: " and ")
        try EPL.install("select m0.name as n from " + sixtyFour + " where " + conjuncts, in: runtime)
    }

    /// Finding 5: Java's results for the values that trapped.
    @Test func roundModuloAndLimitFollowJava() throws {
        let h = try EPLStatementTests.Harness([
            "select Math.round(fields('v')) as r, Math.round(-2.5) as half, -9223372036854775807 - 1 as lo from Metric",
            "select (-9223372036854775807 - 1) % -1 as m, 7 % -3 as k, -7 % 3 as j from Metric",
            "select fields('v') as v from Metric#length(3) output every 3 events limit 1, 9223372036854775807",
        ])
        h.metric("cpu", 1e19, at: 1_000)
        h.metric("cpu", -1e19, at: 2_000)
        h.metric("cpu", .nan, at: 3_000)
        #expect(
            h.rows == [
                #"{"statement":"s0","row":{"r":9223372036854775807,"half":-2,"lo":-9223372036854775808}}"#,
                #"{"statement":"s1","row":{"m":0,"k":1,"j":-1}}"#,
                #"{"statement":"s0","row":{"r":-9223372036854775808,"half":-2,"lo":-9223372036854775808}}"#,
                #"{"statement":"s1","row":{"m":0,"k":1,"j":-1}}"#,
                #"{"statement":"s0","row":{"r":0,"half":-2,"lo":-9223372036854775808}}"#,
                #"{"statement":"s1","row":{"m":0,"k":1,"j":-1}}"#,
                #"{"statement":"s2","row":{"v":-1e+19}}"#,
                #"{"statement":"s2","row":{"v":"NaN"}}"#,
            ]
        )
    }

    @Test func engineTimeIsClampedSoPeriodsCannotOverflow() throws {
        let h = try EPLStatementTests.Harness(["select count(*) as n from Metric#time(1 min)"])
        h.metric("cpu", 1, at: .max)
        h.runtime.advance(to: .max)
        #expect(h.runtime.now == EngineClock.maxTime)
        #expect(h.rows == [#"{"statement":"s0","row":{"n":1}}"#])
    }
}
