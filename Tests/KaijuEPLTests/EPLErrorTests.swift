import KaijuCore
import KaijuEPL
import KaijuTestSupport
import Testing

/// Malformed statements: each is refused with its exact message, line and column.
struct EPLErrorTests {
    static let cases: [(text: String, error: String)] = [
        ("selec * from Metric", "line 1, column 1: expected 'select', 'insert into', 'create' or 'on', found 'selec'"),
        ("select * from", "line 1, column 14: expected an event type name, found end of statement"),
        ("select * Metric", "line 1, column 10: expected 'from', found 'Metric'"),
        ("select from Metric", "line 1, column 8: expected an expression, found 'from'"),
        (
            "select * from Metric#time(1 parsec)",
            "line 1, column 29: expected a time unit (msec, sec, min, hour, day), found 'parsec'"
        ),
        ("select * from Metric#time()", "line 1, column 27: expected a time period such as 1 min or 30 sec, found ')'"),
        ("select * from Metric#length(0)", "line 1, column 29: a number of events must be positive"),
        (
            "select * from Metric#wobble(3)",
            "line 1, column 22: unknown window 'wobble' (expected time, length, lastevent, unique, time_batch, length_batch, keepall, firstevent, firstlength, firstunique, firsttime, sort, rank, groupwin, ext_timed, time_accum or expr)"
        ),
        ("select * from Metric where", "line 1, column 27: expected an expression, found end of statement"),
        ("select * from Metric where name = 'cpu", "line 1, column 35: unterminated string: expected a closing '"),
        ("select * from Metric where name == 'cpu'", "line 1, column 34: expected an expression, found '='"),
        ("select * from Metric group name", "line 1, column 28: expected 'by', found 'name'"),
        (
            "select count(*) from Metric output every",
            "line 1, column 41: expected a time period such as 1 min or 30 sec, found end of statement"
        ),
        (
            "select count(*) from Metric output last every 5 potatoes",
            "line 1, column 49: expected a time unit (msec, sec, min, hour, day), found 'potatoes'"
        ),
        ("select * from pattern [every]", "line 1, column 29: expected an event type in the pattern, found ']'"),
        ("select * from pattern [a=Metric -> ]", "line 1, column 36: expected an event type in the pattern, found ']'"),
        (
            "select * from pattern [a=Metric where timer:within(1 min)",
            "line 1, column 58: expected ']', found end of statement"
        ),
        (
            "select * from pattern [a=Metric where timer:interval(1 min)]",
            "line 1, column 39: expected 'timer:within(...)', found 'timer'"
        ),
        ("select * from pattern [[0] Metric]", "line 1, column 25: a repeat count must be positive"),
        ("select * from Metric(name = 'x'", "line 1, column 32: expected ')', found end of statement"),
        (
            "select avg(fields('a'), 2) from Metric",
            "line 1, column 23: avg() takes one argument (and an optional 'filter: condition')"
        ),
        ("select * from Metric limit x", "line 1, column 28: expected a row count after 'limit', found 'x'"),
        ("insert Event select * from Metric", "line 1, column 8: expected 'into', found 'Event'"),
        (
            "insert into select * from Metric",
            "line 1, column 13: expected an event type name after 'insert into', found 'select'"
        ),
        (
            "create schema X(a strin)",
            "line 1, column 19: unknown column type 'strin' (expected string, int, long, double, float, boolean, map or array)"
        ),
        ("create schema X(a string", "line 1, column 25: expected ')', found end of statement"),
        ("create schema (a string)", "line 1, column 15: expected a schema name, found '('"),
        ("create widget X", "line 1, column 8: expected 'schema', 'table' or 'window' after 'create', found 'widget'"),
        ("create table T (a string primary)", "line 1, column 33: expected 'key', found ')'"),
        ("create schema S(a string primary key)", "line 1, column 26: 'primary key' is only allowed in create table"),
        (
            "on Span as s merge T m where s.a = m.a",
            "line 1, column 39: expected 'when matched' or 'when not matched', found end of statement"
        ),
        (
            "on Span as s merge T m when matched then explode",
            "line 1, column 42: expected 'update set', 'insert select' or 'delete' after 'then', found 'explode'"
        ),
        ("on Span s select * from T", "line 1, column 25: unknown table 'T'"),
        (
            "select irstream count(*) from Metric output first every 2 events",
            "line 1, column 1: 'irstream' with 'output first' is not supported (use output all)"
        ),
        (
            "select name from Metric#sort(name)",
            "line 1, column 25: #sort takes a size and sort expressions: #sort(10, value desc)"
        ),
        (
            "select * from Metric output snapshot at (1, 2)",
            "line 1, column 41: crontab schedule: a crontab schedule has 5 or 6 fields, not 2"
        ),
        ("select java.time.Instant.later() from Metric", "line 1, column 26: unknown method java.time.Instant.later"),
        ("select new {a 1} from Metric", "line 1, column 15: expected '=', found '1'"),
        (
            "select * from Metric #",
            "line 1, column 23: expected a window name (time, length, lastevent, unique, time_batch, length_batch, keepall), found end of statement"
        ),
        ("select name from Metric ~", "line 1, column 25: unexpected character '~'"),
        ("select * from Nope", "line 1, column 15: unknown event type 'Nope'"),
        (
            "select nope from Metric",
            "line 1, column 8: unknown property 'nope' of Metric (it has: name, timestamp, fields, tags)"
        ),
        ("select sqrt(1, 2) from Metric", "line 1, column 8: function 'sqrt' takes 1 argument(s), got 2"),
        ("select frobnicate(name) from Metric", "line 1, column 8: unknown function 'frobnicate' in frobnicate(name)"),
        (
            "select name from Metric order by nope",
            "line 1, column 34: unknown property 'nope' of Metric (it has: name, timestamp, fields, tags)"
        ),
        ("select * from Metric#time(10) where", "line 1, column 36: expected an expression, found end of statement"),
        ("select name as from Metric", "line 1, column 16: expected a column name, found 'from'"),
        ("select * from Metric, ", "line 1, column 23: expected an event type name, found end of statement"),
        ("select * from Batch[select process as p, * from]", "line 1, column 48: expected a list property, found ']'"),
        ("select tags('a' from Metric", "line 1, column 17: expected ')', found 'from'"),
        ("select * from Metric where name in ('a' 'b')", "line 1, column 41: expected ')', found string 'b'"),
        ("select * from Metric where name is 'x'", "line 1, column 36: expected 'null', found string 'x'"),
    ]

    @Test(arguments: EPLErrorTests.cases.indices)
    func malformedStatementIsRefusedWithItsPosition(index: Int) {
        let (text, expected) = Self.cases[index]
        let r = Runtime()
        #expect(throws: EPLSyntaxError.self) { try EPL.install(text, in: r) }
        do {
            try EPL.install(text, in: r)
        } catch {
            #expect(error.summary == expected)
            // The caret line points at the column.
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines[1] == "  " + text)
            #expect(lines[2] == "  " + String(repeating: " ", count: error.column - 1) + "^")
        }
    }

    @Test func thereAreAtLeastThirtyCases() { #expect(Self.cases.count >= 30) }

    @Test func keywordsAreCaseInsensitiveButNamesAreNot() throws {
        let r = Runtime()
        var rows: [String] = []
        try EPL.install("SELECT name AS n FROM Metric(name = 'cpu') WHERE fields('v') > 1", in: r, name: "s") {
            rows += $0.jsonLines
        }
        #expect(throws: EPLSyntaxError.self) { try EPL.install("select * from metric", in: r) }
        r.send(Metric(name: "cpu", timestamp: 5, fields: ["v": 2.0], tags: [:]))
        r.send(Metric(name: "CPU", timestamp: 6, fields: ["v": 2.0], tags: [:]))
        #expect(rows == [#"{"statement":"s","row":{"n":"cpu"}}"#])
    }

    @Test func durationsAcceptEspersForms() throws {
        for (text, ms) in [
            ("1min", 60_000), ("1 min", 60_000), ("10 sec", 10_000), ("2 minutes", 120_000), ("500 msec", 500),
            ("1 hour 30 minutes", 5_400_000), ("30", 30_000),
        ] {
            guard case .select(let plan) = try EPL.parse("select * from Metric#time(\(text))") else {
                Issue.record("not a select")
                continue
            }
            #expect(plan.windows == [.time(.milliseconds(Int64(ms)))], "\(text)")
        }
    }

    /// A rule file with several broken lines names every one, with the file's line and column.
    @Test func ruleFileErrorsNameEveryBrokenLine() {
        let text = """
            # a comment
            listener:simple,name:ok=select count(*) from Metric
            listener:simple,name:bad=select * from Metric#time(1 parsec)

            listener:loud,name:x=select * from Metric
            name:unknown=select nope from Metric
            """
        let (file, parseErrors) = StatementsFile.parse(text)
        #expect(
            parseErrors.map(\.summary) == [
                "line 5, column 10: unknown listener 'loud' (expected simple, none, hl, sample, alertmanager or webhook)"
            ]
        )
        let errors = file.install(in: Runtime()) { _ in nil }
        #expect(
            errors.map(\.summary) == [
                "line 3, column 54: expected a time unit (msec, sec, min, hour, day), found 'parsec'",
                "line 6, column 21: unknown property 'nope' of Metric (it has: name, timestamp, fields, tags)",
            ]
        )
        #expect(errors[0].sourceLine == "listener:simple,name:bad=select * from Metric#time(1 parsec)")
    }

    @Test func eventsFileErrorsArePositioned() {
        let (_, errors) = EventsFile.parse("Anomaly\nBad>{a:strng}\n>{x:string}\nOk>{a:string}>{b:long}>{Anomaly}")
        #expect(
            errors.map(\.summary) == [
                "line 2, column 8: unknown type 'strng' (expected string, int, long, float, double, boolean)",
                "line 3, column 1: expected an event type name",
            ]
        )
    }
}

/// Rule text arrives over the admin API too: no input may crash the parser or the compiler.
struct EPLRobustnessTests {
    @Test func truncatedAndMutatedStatementsParseOrFailCleanly() throws {
        let seeds = [
            "insert into ContainerCPUUtilisation select m1.tags('container_name') as container, avg((m2.fields('counter') - m1.fields('counter'))/((m2.timestamp - m1.timestamp)/1000)) as usage from pattern [every m1=Metric(name='x') -> m2=Metric(m2.name=m1.name and m2.tags=m1.tags)]#time(1min) group by m1.tags('container_name') output last every 1min",
            "on Span as s merge T m where s.operationName = m.operationName when matched and counter <= 100000 then update set counter = (initial.counter + 1) when not matched then insert select s.operationName as operationName, 1 as counter",
            "insert into Event select new {traceId=eps.EventToJsonConverter.traceIdToHex(s.traceIdHigh, s.traceIdLow)} as payload, s.getTags().firstOf(t => t.key = 'k').getVStr() as x from Batch[select process as p, * from spans as s] where (s.duration - T[s.operationName].meanDuration) > 3 * java.lang.Math.sqrt(1)",
            "select a.pulledImage, b.namespace from pattern [every a=PulledImageEvent -> every b=ContainerAnomaly(namespace=a.namespace) where timer:within(10min)]",
            "create table T (operationName string primary key, meanDuration double, m2 double, counter long)",
        ]
        let pieces = [
            "(", ")", "[", "]", "{", "}", ",", ".", "=", "->", "'", "every", "select", "from", "where", "#", "1", "min",
            "*", "and", ":",
        ]
        var rng = SplitMix(state: 42)
        var parsed = 0
        var refused = 0
        for seed in seeds {
            let chars = Array(seed)
            for cut in stride(from: 0, to: chars.count, by: 3) {
                if (try? EPL.parse(String(chars[..<cut]))) != nil { parsed += 1 } else { refused += 1 }
            }
            for _ in 0..<300 {
                var text = chars
                for _ in 0..<(1 + rng.next(3)) {
                    let at = rng.next(text.count)
                    switch rng.next(3) {
                    case 0: text.remove(at: at)
                    case 1: text.insert(contentsOf: Array(pieces[rng.next(pieces.count)]), at: at)
                    default: text[at] = Array(pieces[rng.next(pieces.count)])[0]
                    }
                }
                let r = Runtime()
                do {
                    try EPL.install(String(text), in: r)
                    parsed += 1
                } catch {
                    refused += 1
                    #expect(error.line == 1 && error.column >= 1 && error.column <= text.count + 1)
                }
            }
        }
        #expect(refused > 0)
        #expect(parsed + refused > 1_500)
    }

    /// `partitionKey:` in statements.txt and `@partitionKey` in a module give a statement's NATS key;
    /// a key that is not a payload or context path, or without a name, is an error at its line.
    @Test func partitionKeysOfRuleFilesAndModules() throws {
        let text = """
            listener:hl,name:a,partitionKey:context.pod.name=select * from Metric
            listener:hl,partitionKey:payload.host=select * from Metric
            listener:hl,name:c,partitionKey:host=select * from Metric
            """
        let (file, errors) = StatementsFile.parse(text)
        #expect(file.entries.map(\.partitionKey) == [["context", "pod", "name"]])
        #expect(
            errors.map(\.summary) == [
                "line 2, column 1: partitionKey needs a name",
                "line 3, column 20: partitionKey 'host' is not payload.KEY or context.KEY",
            ]
        )
        let module = try EPLModule(
            text:
                "@partitionKey('payload.host') select * from Metric;\n@name('n') select * from Metric;\nselect * from Metric;\n@partitionKey('pod') select * from Metric"
        )
        let first = try #require(try module.statements[0].entry(name: "s0"))
        #expect(first.partitionKey == ["payload", "host"])
        #expect(first.listener == .none)
        #expect(try module.statements[1].entry(name: "n")?.listener == .simple)
        #expect(try module.statements[2].entry(name: "s2") == nil)
        #expect(throws: EPLSyntaxError.self) { try module.statements[3].entry(name: "s3") }
    }

    /// `listener:alertmanager` / `listener:webhook` with `url:`, and `@alertmanager` / `@webhook(url: '...')`.
    @Test func alertmanagerAndWebhookListeners() throws {
        let (file, errors) = StatementsFile.parse(
            "listener:alertmanager,name:a=select * from Metric\nlistener:webhook,url:http://h:8080/x,name:w=select * from Metric"
        )
        #expect(errors.isEmpty)
        #expect(file.entries.map(\.listener) == [.alertmanager(url: nil), .webhook(url: "http://h:8080/x")])
        let module = try EPLModule(
            text:
                "@alertmanager select * from Metric;\n@name('w') @webhook(url: 'https://hooks/x') select * from Metric"
        )
        #expect(try module.statements[0].entry(name: "s0")?.listener == .alertmanager(url: nil))
        #expect(try module.statements[1].entry(name: "w")?.listener == .webhook(url: "https://hooks/x"))
        #expect(StatementsFile.Listener.webhook(url: "http://h/x").description == "webhook(http://h/x)")
    }
}
