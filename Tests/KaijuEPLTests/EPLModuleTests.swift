import KaijuCore
import KaijuEPL
import Testing

/// EPL modules (statements, comments, annotations) and `RuleRun`'s clock semantics, with exact output lines.
struct EPLModuleTests {
    @Test func aModuleSplitsAtSemicolonsOutsideStringsAndComments() throws {
        let module = try EPLModule(
            text: """
                module kaiju.test;
                uses kaiju.base;
                -- a comment; with a semicolon
                create schema Trade(sym string, price double);
                /* a block comment; over
                   two lines */
                @name('big') @Priority(2) @Tag(name='a', value='b;c')
                select sym, 'x;y' as s from Trade(price > 15.0) // trailing; comment
                ;
                @public select * from Trade
                """
        )
        #expect(module.name == "kaiju.test")
        #expect(module.uses == ["kaiju.base"])
        #expect(module.statements.count == 3)
        let big = module.statements[1]
        #expect(big.name == "big")
        #expect(big.annotations.map(\.name) == ["name", "Priority", "Tag"])
        #expect(big.annotations[2].arguments == "name='a', value='b;c'")
        #expect(big.line == 4)
        #expect(module.statements[2].name == nil)
        #expect(module.statements[2].annotations == [EPLAnnotation(name: "public", arguments: nil)])
    }

    @Test func errorsCarryTheModulesLineAndColumn() throws {
        let module = try EPLModule(text: "create schema T(a int);\n\n@name('x') select b from T")
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        #expect {
            try module.install(in: runtime)
        } throws: { error in
            guard let e = error as? EPLSyntaxError else { return false }
            return e.line == 3 && e.column == 19
        }
        #expect(throws: EPLSyntaxError.self) { try EPLModule(text: "select 'open from T") }
        #expect(throws: EPLSyntaxError.self) { try EPLModule(text: "select 1 /* open") }
    }

    @Test func runFollowsTheExternalClockAndPrintsNamedStatementsOnly() throws {
        let module = try EPLModule(
            text: """
                create schema Tick(sym string, price double, n int);
                @name('big') select sym, price, n from Tick(price > 15.0);
                @name('count') select count(*) as c from Tick#time(10 sec);
                select * from Tick
                """
        )
        let recording = """
            {"at":1000,"type":"Tick","event":{"sym":"A","price":20,"n":3}}
            {"at":1000,"type":"Tick","event":{"sym":"B","price":10.5}}
            not json
            {"at":4000,"type":"Unknown","event":{"x":1}}
            {"at":5000,"type":"Tick","event":{"sym":"C","price":16.25,"n":1,"extra":true}}
            """
        var lines: [String] = []
        let problems = try RuleRun.run(.module(module), recording: Array(recording.utf8), until: 30_000) {
            lines.append($0)
        }
        #expect(
            lines == [
                #"{"at":1000,"statement":"big","row":{"sym":"A","price":20.0,"n":3}}"#,
                #"{"at":1000,"statement":"count","row":{"c":1}}"#,
                #"{"at":1000,"statement":"count","row":{"c":2}}"#,
                #"{"at":5000,"statement":"big","row":{"sym":"C","price":16.25,"n":1}}"#,
                #"{"at":5000,"statement":"count","row":{"c":3}}"#,
                #"{"at":11000,"statement":"count","row":{"c":1}}"#,
                #"{"at":15000,"statement":"count","row":{"c":0}}"#,
            ]
        )
        #expect(problems.map(\.line) == [3, 4])
        #expect(problems[1].message == "undeclared type 'Unknown'")
    }

    @Test func aDeclaredEventsRecordingLineRoundTrips() throws {
        let text = #"{"at":7,"type":"Tick","event":{"n":1,"sym":"A"}}"#
        let line = try RecordingLine(json: Array(text.utf8))
        #expect(line.event == .declared(DeclaredEvent(type: "Tick", columns: ["n": 1, "sym": "A"])))
        #expect(line.jsonString == text)
        #expect(throws: JSONError.self) { try RecordingLine(json: Array(#"{"at":7,"type":"1x","event":{}}"#.utf8)) }
        #expect(throws: JSONError.self) { try RecordingLine(json: Array(#"{"at":7,"type":"T","event":[1]}"#.utf8)) }
    }

    @Test func aSingleStatementTakesAnnotationsToo() throws {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        let name = try EPL.install("@name('hot') @Hint('reclaim_group_aged=60') select * from Metric", in: runtime)
        #expect(name == "hot")
        #expect(try EPL.install("@Priority(1) select * from Metric", in: runtime, name: "given") == "given")
        #expect(throws: EPLSyntaxError.self) {
            try EPL.install("@name('a') select * from Metric; select 1 from Metric", in: runtime)
        }
    }
}
