import KaijuCore
import KaijuEPL
import Testing

/// The statement language against Esper's results: expressions, aggregates, output forms. Each test runs
/// an EPL module over a recording through ``RuleRun`` and compares the exact output lines.
struct EPLLanguageTests {
    /// The lines `kaiju run` prints for `module` over `recording` (one event a line).
    static func run(_ module: String, _ recording: String, until: Int64? = nil) throws -> [String] {
        var lines: [String] = []
        _ = try RuleRun.run(.module(try EPLModule(text: module)), recording: Array(recording.utf8), until: until) {
            lines.append($0)
        }
        return lines
    }

    static let schema = "create schema T(k string, v int, d double);\n"
    static let events = """
        {"at":1000,"type":"T","event":{"k":"a","v":1,"d":0.5}}
        {"at":2000,"type":"T","event":{"k":"b","v":6,"d":null}}
        {"at":3000,"type":"T","event":{"v":3,"d":2.0}}
        {"at":3500,"type":"T","event":{"k":"c","v":3,"d":-2.0}}
        {"at":4000,"type":"T","event":{"k":"a","v":4,"d":9.0}}
        {"at":5000,"type":"T","event":{"k":"z","v":4,"d":9.0}}
        """

    @Test func caseBitwiseRowExtremesBetweenAndNonFiniteValues() throws {
        let lines = try Self.run(
            Self.schema + """
                @name('e') select case when v >= 5 then 'hi' when v >= 2 then 'mid' else 'lo' end as c,
                  case k when 'a' then 1 when null then 0 end as s, v & 6 as band, v | 1 as bor, v ^ 3 as bx,
                  max(v, 3) as mx, min(v, d) as mn, v between 4 and 2 as btw, v not between 4 and 2 as nb,
                  d / (v - 3) as q
                from T(k != 'z', v >= 0)
                """,
            Self.events
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"e","row":{"c":"lo","s":1,"band":0,"bor":1,"bx":2,"mx":3,"mn":0.5,"btw":false,"nb":true,"q":-0.25}}"#,
                #"{"at":2000,"statement":"e","row":{"c":"hi","s":null,"band":6,"bor":7,"bx":5,"mx":6,"mn":null,"btw":false,"nb":true,"q":null}}"#,
                #"{"at":3500,"statement":"e","row":{"c":"mid","s":null,"band":2,"bor":3,"bx":0,"mx":3,"mn":-2.0,"btw":true,"nb":false,"q":"-Infinity"}}"#,
                #"{"at":4000,"statement":"e","row":{"c":"mid","s":1,"band":4,"bor":5,"bx":7,"mx":4,"mn":4.0,"btw":true,"nb":false,"q":9.0}}"#,
            ]
        )
    }

    @Test func betweenWithANullOperandIsFalseEitherWay() throws {
        let lines = try Self.run(
            Self.schema + "@name('b') select d between 0 and 1 as b, d not between 0 and 1 as nb from T",
            #"{"at":1,"type":"T","event":{"d":null}}"#
        )
        #expect(lines == [#"{"at":1,"statement":"b","row":{"b":false,"nb":false}}"#])
    }

    @Test func aggregatesOfEsperBeyondTheBasicOnes() throws {
        let lines = try Self.run(
            Self.schema + """
                @name('a') select count(distinct k) as dk, sum(v, filter: v > 2) as big, countever(*) as ce,
                  firstever(v) as fe, maxever(v) as mxe, nth(v, 1) as n1, median(v) as md, avedev(v) as ad,
                  maxby(v).k as top, sorted(v).selectFrom(x => x.k) as ks, window(*).countOf() as w,
                  leaving() as l
                from T#length(3)
                """,
            Self.events
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"a","row":{"dk":1,"big":null,"ce":1,"fe":1,"mxe":1,"n1":null,"md":1.0,"ad":0.0,"top":"a","ks":["a"],"w":1,"l":false}}"#,
                #"{"at":2000,"statement":"a","row":{"dk":2,"big":6,"ce":2,"fe":1,"mxe":6,"n1":1,"md":3.5,"ad":2.5,"top":"b","ks":["a","b"],"w":2,"l":false}}"#,
                #"{"at":3000,"statement":"a","row":{"dk":2,"big":9,"ce":3,"fe":1,"mxe":6,"n1":6,"md":3.0,"ad":1.777777777777778,"top":"b","ks":["a",null,"b"],"w":3,"l":false}}"#,
                #"{"at":3500,"statement":"a","row":{"dk":2,"big":12,"ce":4,"fe":1,"mxe":6,"n1":3,"md":3.0,"ad":1.3333333333333333,"top":"b","ks":[null,"c","b"],"w":3,"l":true}}"#,
                #"{"at":4000,"statement":"a","row":{"dk":2,"big":10,"ce":5,"fe":1,"mxe":6,"n1":3,"md":3.0,"ad":0.4444444444444445,"top":"a","ks":[null,"c","a"],"w":3,"l":true}}"#,
                #"{"at":5000,"statement":"a","row":{"dk":3,"big":11,"ce":6,"fe":1,"mxe":6,"n1":4,"md":4.0,"ad":0.4444444444444445,"top":"a","ks":["c","a","z"],"w":3,"l":true}}"#,
            ]
        )
    }

    @Test func rateCountsEventsPerSecondOnceTheIntervalHasPassed() throws {
        let lines = try Self.run(
            Self.schema + "@name('r') select rate(2) as r from T",
            """
            {"at":1000,"type":"T","event":{}}
            {"at":2500,"type":"T","event":{}}
            {"at":3000,"type":"T","event":{}}
            {"at":3000,"type":"T","event":{}}
            {"at":6000,"type":"T","event":{}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"r","row":{"r":null}}"#,
                #"{"at":2500,"statement":"r","row":{"r":null}}"#,
                #"{"at":3000,"statement":"r","row":{"r":1.0}}"#,
                #"{"at":3000,"statement":"r","row":{"r":1.5}}"#,
                #"{"at":6000,"statement":"r","row":{"r":0.5}}"#,
            ]
        )
    }

    @Test func aggregateCallsThatAreNotValidAreRefused() throws {
        for text in [
            "select sum(*) from T", "select nth(v) from T", "select rate(k) from T", "select count(v, v > 1) from T",
        ] {
            #expect(throws: (any Error).self, "\(text)") { try Self.run(Self.schema + text, "") }
        }
    }

    @Test func everyOutputForm() throws {
        let lines = try Self.run(
            Self.schema + """
                @name('after') select k, v from T output after 2 sec;
                @name('aftern') select k from T output after 3 events;
                @name('snap') select count(*) as n, sum(v) as s from T#length(2) output snapshot every 2 events;
                @name('when') select k from T output when count_insert >= 3;
                @name('first') select k, v from T group by k output first every 2 events;
                @name('all') select k, count(*) as n from T#length(2) group by k output all every 2 sec;
                @name('agg') select count(*) as n from T output every 2 sec;
                @name('pe') select k, v, sum(v) as s from T#length(2) group by k;
                @name('cron') select count(*) as n from T output snapshot at (*/1, *, *, *, *, 30);
                """,
            """
            {"at":1000,"type":"T","event":{"k":"a","v":1}}
            {"at":2000,"type":"T","event":{"k":"b","v":2}}
            {"at":3000,"type":"T","event":{"k":"a","v":3}}
            {"at":3000,"type":"T","event":{"k":"a","v":4}}
            {"at":8000,"type":"T","event":{"k":"b","v":5}}
            """,
            until: 12_000
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"first","row":{"k":"a","v":1}}"#,
                #"{"at":1000,"statement":"pe","row":{"k":"a","v":1,"s":1}}"#,
                #"{"at":2000,"statement":"snap","row":{"n":2,"s":3}}"#,
                #"{"at":2000,"statement":"first","row":{"k":"b","v":2}}"#,
                #"{"at":2000,"statement":"pe","row":{"k":"b","v":2,"s":2}}"#,
                #"{"at":3000,"statement":"all","row":{"k":"a","n":1}}"#,
                #"{"at":3000,"statement":"all","row":{"k":"b","n":1}}"#,
                #"{"at":3000,"statement":"agg","row":{"n":1}}"#,
                #"{"at":3000,"statement":"agg","row":{"n":2}}"#,
                #"{"at":3000,"statement":"after","row":{"k":"a","v":3}}"#,
                #"{"at":3000,"statement":"when","row":{"k":"a"}}"#,
                #"{"at":3000,"statement":"when","row":{"k":"b"}}"#,
                #"{"at":3000,"statement":"when","row":{"k":"a"}}"#,
                #"{"at":3000,"statement":"pe","row":{"k":"a","v":3,"s":3}}"#,
                #"{"at":3000,"statement":"after","row":{"k":"a","v":4}}"#,
                #"{"at":3000,"statement":"aftern","row":{"k":"a"}}"#,
                #"{"at":3000,"statement":"snap","row":{"n":2,"s":7}}"#,
                #"{"at":3000,"statement":"first","row":{"k":"a","v":4}}"#,
                #"{"at":3000,"statement":"pe","row":{"k":"a","v":4,"s":7}}"#,
                #"{"at":5000,"statement":"all","row":{"k":"a","n":2}}"#,
                #"{"at":5000,"statement":"all","row":{"k":"b","n":0}}"#,
                #"{"at":5000,"statement":"agg","row":{"n":3}}"#,
                #"{"at":5000,"statement":"agg","row":{"n":4}}"#,
                #"{"at":7000,"statement":"all","row":{"k":"a","n":2}}"#,
                #"{"at":7000,"statement":"all","row":{"k":"b","n":0}}"#,
                #"{"at":7000,"statement":"agg","row":{"n":4}}"#,
                #"{"at":8000,"statement":"after","row":{"k":"b","v":5}}"#,
                #"{"at":8000,"statement":"aftern","row":{"k":"b"}}"#,
                #"{"at":8000,"statement":"pe","row":{"k":"b","v":5,"s":5}}"#,
                #"{"at":9000,"statement":"all","row":{"k":"a","n":1}}"#,
                #"{"at":9000,"statement":"all","row":{"k":"b","n":1}}"#,
                #"{"at":9000,"statement":"agg","row":{"n":5}}"#,
                #"{"at":11000,"statement":"all","row":{"k":"a","n":1}}"#,
                #"{"at":11000,"statement":"all","row":{"k":"b","n":1}}"#,
                #"{"at":11000,"statement":"agg","row":{"n":5}}"#,
            ]
        )
    }

    @Test func aCrontabScheduleNamesTheNextMatchingSecondInUTC() throws {
        // 2023-11-14T22:13:20Z is a Tuesday.
        let t: Int64 = 1_700_000_000_000
        let everyMinute = try Crontab([.any, .any, .any, .any, .any])
        #expect(everyMinute.next(after: t) == 1_700_000_040_000)
        #expect(everyMinute.next(after: 1_700_000_040_000) == 1_700_000_100_000)
        let mondayNineThirty = try Crontab([.value(30), .value(9), .any, .any, .value(1)])
        #expect(mondayNineThirty.next(after: t) == 1_700_472_600_000)  // 2023-11-20T09:30:00Z
        let steps = try Crontab([.step(15), .range(0, 1), .list([.value(1), .value(15)]), .any, .any, .value(5)])
        #expect(steps.next(after: t) == 1_700_006_405_000)  // 2023-11-15T00:00:05Z
        #expect(throws: Crontab.Invalid.self) { try Crontab([.value(60), .any, .any, .any, .any]) }
        #expect(throws: Crontab.Invalid.self) { try Crontab([.any, .any, .any]) }
    }

    @Test func windowsPrevPriorDistinctAndInsertColumns() throws {
        let lines = try Self.run(
            Self.schema + """
                @name('sort') select irstream k, v, prev(1, v) as p1 from T#sort(2, v desc);
                @name('rank') select irstream k, v from T#rank(k, 2, v);
                @name('gw') select irstream k, v, prev(1, v) as pv, prevcount(k) as n from T#groupwin(k)#length(2);
                @name('ext') select irstream k from T#ext_timed(v * 1000, 2 sec);
                @name('acc') select irstream k from T#time_accum(1 sec);
                @name('expr') select irstream k from T#expr(current_count <= 2 and oldest_timestamp > newest_timestamp - 2500);
                @name('prev') select k, prev(1, k) as p, prevtail(k) as t, prior(2, k) as r, prevwindow(k) as w from T#length(2);
                @name('fu') select count(*) as n from T#time_batch(2 sec, 'FORCE_UPDATE, START_EAGER');
                @name('dist') select distinct k from T#length_batch(3);
                insert into Out(key, value) select k, v from T;
                @name('out') select * from Out;
                insert into Wide select *, v * 2 as v2 from T;
                @name('wide') select k, v2 from Wide;
                """,
            """
            {"at":1000,"type":"T","event":{"k":"a","v":1}}
            {"at":1500,"type":"T","event":{"k":"b","v":3}}
            {"at":2000,"type":"T","event":{"k":"a","v":2}}
            {"at":4000,"type":"T","event":{"k":"a","v":4}}
            """,
            until: 7_000
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"sort","row":{"k":"a","v":1,"p1":null}}"#,
                #"{"at":1000,"statement":"rank","row":{"k":"a","v":1}}"#,
                #"{"at":1000,"statement":"gw","row":{"k":"a","v":1,"pv":null,"n":1}}"#,
                #"{"at":1000,"statement":"ext","row":{"k":"a"}}"#,
                #"{"at":1000,"statement":"acc","row":{"k":"a"}}"#,
                #"{"at":1000,"statement":"expr","row":{"k":"a"}}"#,
                #"{"at":1000,"statement":"prev","row":{"k":"a","p":null,"t":"a","r":null,"w":[{"d":null,"k":"a","v":1}]}}"#,
                #"{"at":1000,"statement":"out","row":{"key":"a","value":1}}"#,
                #"{"at":1000,"statement":"wide","row":{"k":"a","v2":2}}"#,
                #"{"at":1500,"statement":"sort","row":{"k":"b","v":3,"p1":1}}"#,
                #"{"at":1500,"statement":"rank","row":{"k":"b","v":3}}"#,
                #"{"at":1500,"statement":"gw","row":{"k":"b","v":3,"pv":null,"n":1}}"#,
                #"{"at":1500,"statement":"ext","row":{"k":"b"}}"#,
                #"{"at":1500,"statement":"ext","old":{"k":"a"}}"#,
                #"{"at":1500,"statement":"acc","row":{"k":"b"}}"#,
                #"{"at":1500,"statement":"expr","row":{"k":"b"}}"#,
                #"{"at":1500,"statement":"prev","row":{"k":"b","p":"a","t":"a","r":null,"w":[{"d":null,"k":"b","v":3},{"d":null,"k":"a","v":1}]}}"#,
                #"{"at":1500,"statement":"out","row":{"key":"b","value":3}}"#,
                #"{"at":1500,"statement":"wide","row":{"k":"b","v2":6}}"#,
                #"{"at":2000,"statement":"sort","row":{"k":"a","v":2,"p1":2}}"#,
                #"{"at":2000,"statement":"sort","old":{"k":"a","v":1,"p1":2}}"#,
                #"{"at":2000,"statement":"rank","row":{"k":"a","v":2}}"#,
                #"{"at":2000,"statement":"rank","old":{"k":"a","v":1}}"#,
                #"{"at":2000,"statement":"gw","row":{"k":"a","v":2,"pv":1,"n":2}}"#,
                #"{"at":2000,"statement":"ext","row":{"k":"a"}}"#,
                #"{"at":2000,"statement":"acc","row":{"k":"a"}}"#,
                #"{"at":2000,"statement":"expr","row":{"k":"a"}}"#,
                #"{"at":2000,"statement":"expr","old":{"k":"a"}}"#,
                #"{"at":2000,"statement":"prev","row":{"k":"a","p":"b","t":"b","r":"a","w":[{"d":null,"k":"a","v":2},{"d":null,"k":"b","v":3}]}}"#,
                #"{"at":2000,"statement":"dist","row":{"k":"a"}}"#,
                #"{"at":2000,"statement":"dist","row":{"k":"b"}}"#,
                #"{"at":2000,"statement":"out","row":{"key":"a","value":2}}"#,
                #"{"at":2000,"statement":"wide","row":{"k":"a","v2":4}}"#,
                #"{"at":3000,"statement":"acc","old":{"k":"a"}}"#,
                #"{"at":3000,"statement":"acc","old":{"k":"b"}}"#,
                #"{"at":3000,"statement":"acc","old":{"k":"a"}}"#,
                #"{"at":3000,"statement":"fu","row":{"n":3}}"#,
                #"{"at":4000,"statement":"sort","row":{"k":"a","v":4,"p1":3}}"#,
                #"{"at":4000,"statement":"sort","old":{"k":"a","v":2,"p1":3}}"#,
                #"{"at":4000,"statement":"rank","row":{"k":"a","v":4}}"#,
                #"{"at":4000,"statement":"rank","old":{"k":"a","v":2}}"#,
                #"{"at":4000,"statement":"gw","row":{"k":"a","v":4,"pv":2,"n":2}}"#,
                #"{"at":4000,"statement":"gw","old":{"k":"a","v":1,"pv":null,"n":2}}"#,
                #"{"at":4000,"statement":"ext","row":{"k":"a"}}"#,
                #"{"at":4000,"statement":"ext","old":{"k":"a"}}"#,
                #"{"at":4000,"statement":"acc","row":{"k":"a"}}"#,
                #"{"at":4000,"statement":"expr","row":{"k":"a"}}"#,
                #"{"at":4000,"statement":"expr","old":{"k":"b"}}"#,
                #"{"at":4000,"statement":"prev","row":{"k":"a","p":"a","t":"a","r":"b","w":[{"d":null,"k":"a","v":4},{"d":null,"k":"a","v":2}]}}"#,
                #"{"at":4000,"statement":"out","row":{"key":"a","value":4}}"#,
                #"{"at":4000,"statement":"wide","row":{"k":"a","v2":8}}"#,
                #"{"at":5000,"statement":"acc","old":{"k":"a"}}"#,
                #"{"at":5000,"statement":"fu","row":{"n":1}}"#,
                #"{"at":7000,"statement":"fu","row":{"n":0}}"#,
            ]
        )
    }

    @Test func innerOuterAndUnidirectionalJoins() throws {
        let lines = try Self.run(
            """
            create schema A(id string, k int);
            create schema B(id string, k int, v double);
            @name('inner') select a.id as aid, b.id as bid from A#length(2) as a inner join B#length(2) as b on a.k = b.k;
            @name('left') select irstream a.id as aid, b.id as bid from A#length(2) as a left outer join B#length(2) as b on a.k = b.k;
            @name('full') select a.id as aid, b.id as bid from A#lastevent as a full outer join B#lastevent as b on a.k = b.k;
            @name('uni') select a.id as aid, count(*) as n, sum(b.v) as s from A as a unidirectional, B#length(3) as b where a.k = b.k;
            """,
            """
            {"at":1000,"type":"A","event":{"id":"a1","k":1}}
            {"at":2000,"type":"B","event":{"id":"b1","k":1,"v":1.5}}
            {"at":3000,"type":"B","event":{"id":"b2","k":1,"v":2.0}}
            {"at":4000,"type":"A","event":{"id":"a2","k":1}}
            {"at":5000,"type":"A","event":{"id":"a3","k":2}}
            {"at":6000,"type":"B","event":{"id":"b3","k":3,"v":9.0}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"left","row":{"aid":"a1","bid":null}}"#,
                #"{"at":1000,"statement":"full","row":{"aid":"a1","bid":null}}"#,
                #"{"at":2000,"statement":"inner","row":{"aid":"a1","bid":"b1"}}"#,
                #"{"at":2000,"statement":"left","row":{"aid":"a1","bid":"b1"}}"#,
                #"{"at":2000,"statement":"full","row":{"aid":"a1","bid":"b1"}}"#,
                #"{"at":3000,"statement":"inner","row":{"aid":"a1","bid":"b2"}}"#,
                #"{"at":3000,"statement":"left","row":{"aid":"a1","bid":"b2"}}"#,
                #"{"at":3000,"statement":"full","row":{"aid":"a1","bid":"b2"}}"#,
                #"{"at":4000,"statement":"inner","row":{"aid":"a2","bid":"b1"}}"#,
                #"{"at":4000,"statement":"inner","row":{"aid":"a2","bid":"b2"}}"#,
                #"{"at":4000,"statement":"left","row":{"aid":"a2","bid":"b1"}}"#,
                #"{"at":4000,"statement":"left","row":{"aid":"a2","bid":"b2"}}"#,
                #"{"at":4000,"statement":"full","row":{"aid":"a2","bid":"b2"}}"#,
                #"{"at":4000,"statement":"uni","row":{"aid":"a2","n":2,"s":3.5}}"#,
                #"{"at":4000,"statement":"uni","row":{"aid":"a2","n":2,"s":3.5}}"#,
                #"{"at":5000,"statement":"left","row":{"aid":"a3","bid":null}}"#,
                #"{"at":5000,"statement":"left","old":{"aid":"a1","bid":"b1"}}"#,
                #"{"at":5000,"statement":"left","old":{"aid":"a1","bid":"b2"}}"#,
                #"{"at":5000,"statement":"full","row":{"aid":"a3","bid":null}}"#,
                #"{"at":6000,"statement":"left","old":{"aid":"a2","bid":"b1"}}"#,
                #"{"at":6000,"statement":"full","row":{"aid":null,"bid":"b3"}}"#,
            ]
        )
    }

    @Test func subqueriesScalarCorrelatedExistsInAnyAllAndRows() throws {
        let lines = try Self.run(
            """
            create schema A(id string, k int, v double);
            create schema B(id string, k int, v double);
            @name('scalar') select id, (select max(v) from B#length(2)) as bmax, (select v from B#lastevent) as lastv, (select count(*, filter: v > 1) from B#length(2) where k = 99) as none from A;
            @name('corr') select a.id as id, (select b.v from B#unique(k) as b where b.k = a.k) as bv, exists (select * from B#length(2) as b where b.k = a.k) as ex from A as a;
            @name('in') select id from A where k in (select k from B#length(2)) and v > all (select v from B#length(2));
            @name('notin') select id from A where k not in (select k from B#length(2)) or v < any (select v from B#length(2));
            @name('rows') select id, (select * from B#length(2)).countOf(x => x.v > 1) as n from A;
            @name('self') select id from A as a where v > (select avg(v) from A#length(3));
            """,
            """
            {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":5.0}}
            {"at":2000,"type":"B","event":{"id":"b1","k":1,"v":1.0}}
            {"at":3000,"type":"A","event":{"id":"a2","k":1,"v":2.0}}
            {"at":4000,"type":"B","event":{"id":"b2","k":2,"v":3.0}}
            {"at":5000,"type":"A","event":{"id":"a3","k":2,"v":4.0}}
            {"at":6000,"type":"A","event":{"id":"a4","k":3,"v":0.5}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"scalar","row":{"id":"a1","bmax":null,"lastv":null,"none":0}}"#,
                #"{"at":1000,"statement":"corr","row":{"id":"a1","bv":null,"ex":false}}"#,
                #"{"at":1000,"statement":"notin","row":{"id":"a1"}}"#,
                #"{"at":1000,"statement":"rows","row":{"id":"a1","n":null}}"#,
                #"{"at":3000,"statement":"scalar","row":{"id":"a2","bmax":1.0,"lastv":1.0,"none":0}}"#,
                #"{"at":3000,"statement":"corr","row":{"id":"a2","bv":1.0,"ex":true}}"#,
                #"{"at":3000,"statement":"in","row":{"id":"a2"}}"#,
                #"{"at":3000,"statement":"rows","row":{"id":"a2","n":0}}"#,
                #"{"at":5000,"statement":"scalar","row":{"id":"a3","bmax":3.0,"lastv":3.0,"none":0}}"#,
                #"{"at":5000,"statement":"corr","row":{"id":"a3","bv":3.0,"ex":true}}"#,
                #"{"at":5000,"statement":"in","row":{"id":"a3"}}"#,
                #"{"at":5000,"statement":"rows","row":{"id":"a3","n":1}}"#,
                #"{"at":5000,"statement":"self","row":{"id":"a3"}}"#,
                #"{"at":6000,"statement":"scalar","row":{"id":"a4","bmax":3.0,"lastv":3.0,"none":0}}"#,
                #"{"at":6000,"statement":"corr","row":{"id":"a4","bv":null,"ex":false}}"#,
                #"{"at":6000,"statement":"notin","row":{"id":"a4"}}"#,
                #"{"at":6000,"statement":"rows","row":{"id":"a4","n":1}}"#,
            ]
        )
    }

    @Test func enumerationMethodsOverArrayColumns() throws {
        let lines = try Self.run(
            """
            create schema Basket(id string, items string[], prices double[]);
            @name('e') select items.distinctOf() as uniq, prices.sumOf() as total, prices.max() as mx, prices.average() as av, items.orderByDesc(x => x).take(2) as top2, items.reverse().takeLast(1) as firstItem, items.aggregate('', (acc, x) => acc || x.substring(0, 1)) as initials, items.mostFrequent() as mf, items.leastFrequent() as lf, items.toMap(x => x, x => x.length()) as lengths, items.groupBy(x => x.substring(0, 1)) as byInitial, prices.orderBy().selectFrom(p => p * 2) as doubled from Basket;
            """,
            """
            {"at":1000,"type":"Basket","event":{"id":"b1","items":["pear","apple","pear","fig"],"prices":[2.0,1.0,3.5]}}
            {"at":2000,"type":"Basket","event":{"id":"b2","items":[],"prices":[]}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"e","row":{"uniq":["pear","apple","fig"],"total":6.5,"mx":3.5,"av":2.1666666666666665,"top2":["pear","pear"],"firstItem":["pear"],"initials":"papf","mf":"pear","lf":"apple","lengths":{"apple":5,"fig":3,"pear":4},"byInitial":{"a":["apple"],"f":["fig"],"p":["pear","pear"]},"doubled":[2.0,4.0,7.0]}}"#,
                #"{"at":2000,"statement":"e","row":{"uniq":[],"total":null,"mx":null,"av":null,"top2":[],"firstItem":[],"initials":"","mf":null,"lf":null,"lengths":{},"byInitial":{},"doubled":[]}}"#,
            ]
        )
    }

    @Test func rollupCubeAndGroupingSetsReportEveryLevel() throws {
        let lines = try Self.run(
            """
            create schema T(k string, s string, v int);
            @name('rollup') select k, s, sum(v) as total from T#length_batch(3) group by rollup(k, s);
            @name('cube') select k, s, count(*) as n from T#length_batch(3) group by cube(k, s);
            @name('sets') select k, s, count(*) as n from T#length_batch(3) group by grouping sets ((k), (s), ());
            """,
            """
            {"at":1000,"type":"T","event":{"k":"a","s":"x","v":1}}
            {"at":2000,"type":"T","event":{"k":"a","s":"y","v":2}}
            {"at":3000,"type":"T","event":{"k":"b","s":"x","v":4}}
            """
        )
        #expect(
            lines == [
                #"{"at":3000,"statement":"rollup","row":{"k":"a","s":"x","total":1}}"#,
                #"{"at":3000,"statement":"rollup","row":{"k":"a","s":"y","total":2}}"#,
                #"{"at":3000,"statement":"rollup","row":{"k":"b","s":"x","total":4}}"#,
                #"{"at":3000,"statement":"rollup","row":{"k":"a","s":null,"total":3}}"#,
                #"{"at":3000,"statement":"rollup","row":{"k":"b","s":null,"total":4}}"#,
                #"{"at":3000,"statement":"rollup","row":{"k":null,"s":null,"total":7}}"#,
                #"{"at":3000,"statement":"cube","row":{"k":"a","s":"x","n":1}}"#,
                #"{"at":3000,"statement":"cube","row":{"k":"a","s":"y","n":1}}"#,
                #"{"at":3000,"statement":"cube","row":{"k":"b","s":"x","n":1}}"#,
                #"{"at":3000,"statement":"cube","row":{"k":"a","s":null,"n":2}}"#,
                #"{"at":3000,"statement":"cube","row":{"k":"b","s":null,"n":1}}"#,
                #"{"at":3000,"statement":"cube","row":{"k":null,"s":"x","n":2}}"#,
                #"{"at":3000,"statement":"cube","row":{"k":null,"s":"y","n":1}}"#,
                #"{"at":3000,"statement":"cube","row":{"k":null,"s":null,"n":3}}"#,
                #"{"at":3000,"statement":"sets","row":{"k":"a","s":null,"n":2}}"#,
                #"{"at":3000,"statement":"sets","row":{"k":"b","s":null,"n":1}}"#,
                #"{"at":3000,"statement":"sets","row":{"k":null,"s":"x","n":2}}"#,
                #"{"at":3000,"statement":"sets","row":{"k":null,"s":"y","n":1}}"#,
                #"{"at":3000,"statement":"sets","row":{"k":null,"s":null,"n":3}}"#,
            ]
        )
    }

    @Test func frontEndFormsOfEsper() throws {
        let lines = try Self.run(
            """
            create schema Line(sku string, qty java.lang.Integer, attrs java.util.Map);
            create schema Order(id string, lines Line[]);
            create table Totals(n long, last string);
            create table ByKey(k string primary key, n long);
            create window Recent#lastevent (sku string, qty int);
            create window Lines#keepall as Line;
            on Line as l merge Totals t when matched then update set t.n = t.n + 1, t.last = l.sku when not matched then insert select 1L as n, l.sku as last;
            on Line as l merge ByKey b where b.k = l.sku when not matched then insert select l.sku as k, 0L as n when matched then update set b.n = b.n + 1;
            @name('contained') select o as id, sku, qty from Order[select id as o, * from lines as l];
            @name('table') select sku, Totals.n as n, ByKey[sku].n as seen, 1e3 as k, 2.5E-1 as e, 1.5f as f from Line;
            @name('repeat') select a[0].sku as first, a[1].sku as second from pattern [every [2] a=Line];
            @name('having') select sku from Line having qty > 1;
            @name('ordered') select l.sku as s from Line#length_batch(2) as l order by l.qty desc;
            """,
            """
            {"at":1000,"type":"Line","event":{"sku":"a","qty":2}}
            {"at":2000,"type":"Line","event":{"sku":"b","qty":5}}
            {"at":3000,"type":"Order","event":{"id":"o1","lines":[{"sku":"x","qty":3},{"sku":"y","qty":"4"}]}}
            {"at":4000,"type":"Line","event":{"sku":"a","qty":1}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"table","row":{"sku":"a","n":1,"seen":0,"k":1000.0,"e":0.25,"f":1.5}}"#,
                #"{"at":1000,"statement":"having","row":{"sku":"a"}}"#,
                #"{"at":2000,"statement":"table","row":{"sku":"b","n":2,"seen":0,"k":1000.0,"e":0.25,"f":1.5}}"#,
                #"{"at":2000,"statement":"repeat","row":{"first":"a","second":"b"}}"#,
                #"{"at":2000,"statement":"having","row":{"sku":"b"}}"#,
                #"{"at":2000,"statement":"ordered","row":{"s":"b"}}"#,
                #"{"at":2000,"statement":"ordered","row":{"s":"a"}}"#,
                #"{"at":3000,"statement":"contained","row":{"id":"o1","sku":"x","qty":3}}"#,
                #"{"at":3000,"statement":"contained","row":{"id":"o1","sku":"y","qty":4}}"#,
                #"{"at":4000,"statement":"table","row":{"sku":"a","n":3,"seen":1,"k":1000.0,"e":0.25,"f":1.5}}"#,
            ]
        )
    }

    @Test func unsupportedConstructsAreNamedAndEsperRefusalsRefused() throws {
        let schema = "create schema Line(sku string, qty int);\n"
        let cases: [(String, String)] = [
            (
                "create window Q#keepall as Line; create index I on Q(sku, nope)",
                "line 2, column 59: 'Q' has no column 'nope'"
            ),
            (
                "create context C context A partition by sku from Line, context B context D start @now end after 1 sec",
                "line 2, column 66: expected 'partition by', 'group by', 'start' or 'initiated by', found 'context'"
            ),
            (
                "select * from Line match_recognize (measures A.sku as s pattern (A) define B as B.qty > 1)",
                "line 2, column 76: define of 'B', which the pattern does not use"
            ),
            (
                "select * from Line for grouped_delivery(sku)",
                "line 2, column 20: 'for' (grouped or discrete delivery) is not supported"
            ),
            (
                "select * from pattern [until b=Line]",
                "line 2, column 24: 'until' needs a pattern expression before it"
            ),
            ("select * from Line(qty)", "line 2, column 1: a filter must be a boolean expression, not int: qty"),
            (
                "select * from Line where qty + 1",
                "line 2, column 1: where must be a boolean expression, not double: qty+1"
            ),
            (
                "select a[0].sku from pattern [[64] ([64] a=Line)]",
                "tags inside a repeat inside a repeat are not supported"
            ),
            (
                "create schema Z(a int); insert into Z select sku as b from Line",
                "line 2, column 53: insert into 'Z': it has no column 'b' (it has: a)"
            ),
        ]
        for (text, message) in cases {
            #expect {
                _ = try Self.run(schema + text, "")
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }

    @Test func groupwinKeepsAtMostTheGroupLimitAndCountsWhatItCouldNotKeep() throws {
        var limits = RuntimeLimits()
        limits.maxGroups = 2
        let runtime = Runtime(clock: .virtual(startingAt: 0), limits: limits)
        _ = try EPLModule(text: Self.schema + "@name('g') select irstream k from T#groupwin(k)#length(1)")
            .install(in: runtime)
        var lines: [String] = []
        _ = runtime.addListener(to: "g") { lines += $0.jsonLines }
        for (i, k) in ["a", "b", "c", "a"].enumerated() {
            try runtime.send(DeclaredEvent(type: "T", columns: ["k": k]), at: Int64(i + 1) * 1_000)
        }
        #expect(
            lines == [
                #"{"statement":"g","row":{"k":"a"}}"#,
                #"{"statement":"g","row":{"k":"b"}}"#,
                #"{"statement":"g","row":{"k":"c"}}"#,
                #"{"statement":"g","old":{"k":"c"}}"#,
                #"{"statement":"g","row":{"k":"a"}}"#,
                #"{"statement":"g","old":{"k":"a"}}"#,
            ]
        )
        #expect(runtime.statementInfos.first { $0.name == "g" }?.windowEvictions == 1)
    }

    @Test func streamWildcardsAndIndexedFirstLast() throws {
        let lines = try Self.run(
            """
            create schema A(id string, k int);
            create schema B(id string, v double);
            @name('s') select a.*, b.v as v from A#lastevent as a, B#lastevent as b;
            @name('f') select first(k, 1) as f1, last(k, 1) as l1, first(k) as f0 from A#length(3)
            """,
            """
            {"at":1,"type":"A","event":{"id":"a1","k":1}}
            {"at":2,"type":"B","event":{"id":"b1","v":2.5}}
            {"at":3,"type":"A","event":{"id":"a2","k":2}}
            {"at":4,"type":"A","event":{"id":"a3","k":3}}
            {"at":5,"type":"A","event":{"id":"a4","k":4}}
            """
        )
        #expect(
            lines == [
                #"{"at":1,"statement":"f","row":{"f1":null,"l1":null,"f0":1}}"#,
                #"{"at":2,"statement":"s","row":{"id":"a1","k":1,"v":2.5}}"#,
                #"{"at":3,"statement":"s","row":{"id":"a2","k":2,"v":2.5}}"#,
                #"{"at":3,"statement":"f","row":{"f1":2,"l1":1,"f0":1}}"#,
                #"{"at":4,"statement":"s","row":{"id":"a3","k":3,"v":2.5}}"#,
                #"{"at":4,"statement":"f","row":{"f1":2,"l1":2,"f0":1}}"#,
                #"{"at":5,"statement":"s","row":{"id":"a4","k":4,"v":2.5}}"#,
                #"{"at":5,"statement":"f","row":{"f1":3,"l1":3,"f0":2}}"#,
            ]
        )
    }

    @Test func aPatternJoinsLikeAStream() throws {
        let lines = try Self.run(
            """
            create schema A(id string, k int);
            create schema B(id string, k int);
            create schema C(k int, v double);
            @name('pj') select p.a.id as aid, p.b.id as bid, c.v as v from pattern [every a=A -> b=B(k = a.k)] as p unidirectional, C#lastevent as c where p.a.k = c.k;
            @name('pw') select p.a.id as aid, c.v as v from pattern [every a=A]#length(2) as p, C#lastevent as c where p.a.k = c.k;
            @name('within') select p.a.id as aid, c.v as v from pattern [every a=A -> (b=B where timer:within(1 sec))]#keepall as p, C#keepall as c;
            """,
            """
            {"at":1000,"type":"C","event":{"k":1,"v":1.5}}
            {"at":2000,"type":"A","event":{"id":"a1","k":1}}
            {"at":2500,"type":"B","event":{"id":"b1","k":1}}
            {"at":3000,"type":"C","event":{"k":1,"v":2.0}}
            {"at":4000,"type":"A","event":{"id":"a2","k":2}}
            {"at":6000,"type":"B","event":{"id":"b2","k":2}}
            """
        )
        #expect(
            lines == [
                #"{"at":2000,"statement":"pw","row":{"aid":"a1","v":1.5}}"#,
                #"{"at":2500,"statement":"pj","row":{"aid":"a1","bid":"b1","v":1.5}}"#,
                #"{"at":2500,"statement":"within","row":{"aid":"a1","v":1.5}}"#,
                #"{"at":3000,"statement":"pw","row":{"aid":"a1","v":2.0}}"#,
                #"{"at":3000,"statement":"within","row":{"aid":"a1","v":2.0}}"#,
            ]
        )
        #expect(throws: (any Error).self) {
            try Self.run(
                "create schema A(k int); create schema C(k int); select * from pattern [every a=A] as p, C#lastevent as c",
                ""
            )
        }
    }

    @Test func variablesAndExpressionDeclarations() throws {
        let lines = try Self.run(
            """
            create schema A(id string, v double);
            create schema B(k int, v double);
            create variable double threshold = 5.0;
            create constant variable int two = 1 + 1;
            create expression scaled { (x, factor) => x.v * factor };
            create expression cap { threshold * two };
            @name('set') on B(v < 8) set threshold = v;
            @name('q') expression high { a => a.v > threshold } select id, scaled(a, two) as s, cap() as l
              from A as a where high(a)
            """,
            """
            {"at":1,"type":"A","event":{"id":"a1","v":6.0}}
            {"at":2,"type":"B","event":{"k":3,"v":7.0}}
            {"at":3,"type":"A","event":{"id":"a2","v":6.5}}
            {"at":4,"type":"A","event":{"id":"a3","v":7.5}}
            """
        )
        #expect(
            lines == [
                #"{"at":1,"statement":"q","row":{"id":"a1","s":12.0,"l":10.0}}"#,
                #"{"at":2,"statement":"set","row":{"threshold":7.0}}"#,
                #"{"at":4,"statement":"q","row":{"id":"a3","s":15.0,"l":14.0}}"#,
            ]
        )
        let constant = "create constant variable int two = 2; on Line set two = 3"
        #expect(throws: (any Error).self) { try Self.run("create schema Line(k int);\n" + constant, "") }
    }

    @Test func intoTableFillsAggregationColumnsAndOnSelectOrders() throws {
        let lines = try Self.run(
            """
            create schema A(k int, v double);
            create schema B(k int);
            create table T(k int primary key, cnt count(*), total sum(double));
            create table Tot(n count(*));
            @name('into') into table T select k, count(*) as cnt, sum(v) as total from A group by k;
            into table Tot select count(*) as n from A;
            @name('read') select b.k as k, T[b.k].cnt as cnt, T[b.k].total as total, Tot.n as all from B as b;
            @name('sel') on B select t.k as k, t.cnt as cnt from T as t where t.cnt > 0 order by t.cnt desc, t.k;
            """,
            """
            {"at":1,"type":"A","event":{"k":1,"v":1.5}}
            {"at":2,"type":"A","event":{"k":2,"v":2.0}}
            {"at":3,"type":"A","event":{"k":2,"v":3.0}}
            {"at":4,"type":"B","event":{"k":2}}
            """
        )
        #expect(
            lines == [
                #"{"at":1,"statement":"into","row":{"k":1,"cnt":1,"total":1.5}}"#,
                #"{"at":2,"statement":"into","row":{"k":2,"cnt":1,"total":2.0}}"#,
                #"{"at":3,"statement":"into","row":{"k":2,"cnt":2,"total":5.0}}"#,
                #"{"at":4,"statement":"read","row":{"k":2,"cnt":2,"total":5.0,"all":3}}"#,
                #"{"at":4,"statement":"sel","row":{"k":2,"cnt":2}}"#,
                #"{"at":4,"statement":"sel","row":{"k":1,"cnt":1}}"#,
            ]
        )
    }

    @Test func timerAtWaitsForTheScheduleInUTC() throws {
        let lines = try Self.run(
            """
            create schema A(id string);
            @name('p') select a.id as aid, current_timestamp() as t from pattern [every a=A -> timer:at(*/2, *, *, *, *)]
            """,
            """
            {"at":1700000000000,"type":"A","event":{"id":"a0"}}
            {"at":1700000070000,"type":"A","event":{"id":"a1"}}
            """,
            until: 1_700_000_400_000
        )
        #expect(
            lines == [
                #"{"at":1700000040000,"statement":"p","row":{"aid":"a0","t":1700000040000}}"#,
                #"{"at":1700000160000,"statement":"p","row":{"aid":"a1","t":1700000160000}}"#,
            ]
        )
    }

    @Test func aDeletedIntoTableRowStartsAfreshAndSubqueriesReadTables() throws {
        let lines = try Self.run(
            """
            create schema A(k int);
            create schema B(k int);
            create table T(k int primary key, cnt count(*));
            into table T select count(*) as cnt from A group by k;
            on B as b delete from T where T.k = b.k;
            @name('q') select a.k as k, T[a.k].cnt as cnt, (select count(*) from T) as rows from A as a
            """,
            """
            {"at":1,"type":"A","event":{"k":1}}
            {"at":2,"type":"A","event":{"k":1}}
            {"at":3,"type":"B","event":{"k":1}}
            {"at":4,"type":"A","event":{"k":1}}
            {"at":5,"type":"A","event":{"k":2}}
            """
        )
        #expect(
            lines == [
                #"{"at":1,"statement":"q","row":{"k":1,"cnt":1,"rows":1}}"#,
                #"{"at":2,"statement":"q","row":{"k":1,"cnt":2,"rows":1}}"#,
                #"{"at":4,"statement":"q","row":{"k":1,"cnt":1,"rows":1}}"#,
                #"{"at":5,"statement":"q","row":{"k":2,"cnt":1,"rows":2}}"#,
            ]
        )
    }

    @Test func namedWindowsDeliverTheirChangesAndServeSubqueriesAndJoins() throws {
        let lines = try Self.run(
            """
            create schema A(id string, k int, v double);
            create schema B(id string, k int);
            create window W#length(2) as A;
            insert into W select * from A;
            @name('w') select irstream id from W;
            @name('c') select count(*) as n, sum(v) as s from W(v > 1);
            @name('s') select b.id as bid, (select max(w.v) from W as w where w.k = b.k) as mx from B as b;
            @name('j') select b.id as bid, w.id as wid from B as b unidirectional, W as w where w.k = b.k;
            """,
            """
            {"at":1,"type":"A","event":{"id":"a1","k":1,"v":2.0}}
            {"at":2,"type":"A","event":{"id":"a2","k":1,"v":0.5}}
            {"at":3,"type":"A","event":{"id":"a3","k":2,"v":3.0}}
            {"at":4,"type":"B","event":{"id":"b1","k":1}}
            """
        )
        #expect(
            lines == [
                #"{"at":1,"statement":"w","row":{"id":"a1"}}"#,
                #"{"at":1,"statement":"c","row":{"n":1,"s":2.0}}"#,
                #"{"at":2,"statement":"w","row":{"id":"a2"}}"#,
                #"{"at":3,"statement":"w","row":{"id":"a3"}}"#,
                #"{"at":3,"statement":"w","old":{"id":"a1"}}"#,
                #"{"at":3,"statement":"c","row":{"n":1,"s":3.0}}"#,
                #"{"at":4,"statement":"s","row":{"bid":"b1","mx":0.5}}"#,
                #"{"at":4,"statement":"j","row":{"bid":"b1","wid":"a2"}}"#,
            ]
        )
    }
}
