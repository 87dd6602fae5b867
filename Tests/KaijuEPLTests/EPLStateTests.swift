import KaijuCore
import KaijuEPL
import Testing

/// Esper's stateful statements against exact rows: on-actions over named windows, split streams,
/// contexts, patterns in full and match_recognize.
struct EPLStateTests {
    @Test func onActionsOverNamedWindowsAndSplitStreams() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                create schema B(k int, v double);
                create window W#keepall as A;
                create unique index WK on W(k hash, id btree);
                insert into W select * from A;
                on B(v < 0) as b delete from W as w where w.k = b.k;
                on B(v >= 0) as b update W as w set v = w.v + b.v where w.k = b.k;
                @name('w') select irstream id, k, v from W;
                @name('q') on B as b select w.k as k, count(*) as n, sum(w.v) as s from W as w group by w.k having count(*) > 0 order by w.k desc;
                @name('t') on B as b select count(*) as n from W as w where w.k = b.k;
                @name('m') on A(v > 100) as a merge W as w where w.id = a.id when matched then delete when not matched and a.v > 150 then insert select a.id as id, 9 as k, a.v as v;
                @name('s') on A insert into Big select id, v where v > 100 insert into Any select id output all;
                @name('big') select * from Big;
                @name('any') select * from Any;
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":1.0}}
                {"at":2000,"type":"A","event":{"id":"a2","k":2,"v":2.0}}
                {"at":3000,"type":"B","event":{"k":1,"v":0.5}}
                {"at":4000,"type":"B","event":{"k":3,"v":0.5}}
                {"at":5000,"type":"A","event":{"id":"a1","k":1,"v":200.0}}
                {"at":6000,"type":"B","event":{"k":2,"v":-1.0}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"w","row":{"id":"a1","k":1,"v":1.0}}"#,
                #"{"at":1000,"statement":"any","row":{"id":"a1"}}"#,
                #"{"at":2000,"statement":"w","row":{"id":"a2","k":2,"v":2.0}}"#,
                #"{"at":2000,"statement":"any","row":{"id":"a2"}}"#,
                #"{"at":3000,"statement":"w","row":{"id":"a1","k":1,"v":1.5}}"#,
                #"{"at":3000,"statement":"w","old":{"id":"a1","k":1,"v":1.0}}"#,
                #"{"at":3000,"statement":"q","row":{"k":2,"n":1,"s":2.0}}"#,
                #"{"at":3000,"statement":"q","row":{"k":1,"n":1,"s":1.5}}"#,
                #"{"at":3000,"statement":"t","row":{"n":1}}"#,
                #"{"at":4000,"statement":"q","row":{"k":2,"n":1,"s":2.0}}"#,
                #"{"at":4000,"statement":"q","row":{"k":1,"n":1,"s":1.5}}"#,
                #"{"at":4000,"statement":"t","row":{"n":0}}"#,
                #"{"at":5000,"statement":"w","old":{"id":"a1","k":1,"v":1.5}}"#,
                #"{"at":5000,"statement":"m","row":{"id":"a1","k":1,"v":1.5}}"#,
                #"{"at":5000,"statement":"w","row":{"id":"a1","k":1,"v":200.0}}"#,
                #"{"at":5000,"statement":"big","row":{"id":"a1","v":200.0}}"#,
                #"{"at":5000,"statement":"any","row":{"id":"a1"}}"#,
                #"{"at":6000,"statement":"w","old":{"id":"a2","k":2,"v":2.0}}"#,
                #"{"at":6000,"statement":"q","row":{"k":1,"n":1,"s":200.0}}"#,
                #"{"at":6000,"statement":"t","row":{"n":0}}"#,
            ]
        )
    }

    @Test func untilRangesTagArraysEveryDistinctAndWhile() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                create schema B(id string, k int);
                @name('u') select a.countOf() as n, a[0].id as first, a[5].id as none, b.id as bid from pattern [every ([2:3] a=A until b=B)];
                @name('r') select a.selectFrom(x => x.id) as ids, a[1].v as v1 from pattern [every [2] a=A(k = 1)];
                @name('d') select a.id as aid from pattern [every-distinct(a.k, 2 sec) a=A];
                @name('w') select a.id as aid, b.id as bid from pattern [every a=A(k = 2) -> (every b=B(k = a.k)) while (b.id != 'stop')];
            """,
            """
                {"at":1000,"type":"B","event":{"id":"b1","k":2}}
                {"at":1100,"type":"A","event":{"id":"a1","k":1,"v":1.0}}
                {"at":1200,"type":"A","event":{"id":"a2","k":2,"v":2.0}}
                {"at":1300,"type":"A","event":{"id":"a3","k":1,"v":3.0}}
                {"at":1400,"type":"A","event":{"id":"a4","k":1,"v":4.0}}
                {"at":2000,"type":"B","event":{"id":"b2","k":2}}
                {"at":2500,"type":"A","event":{"id":"a5","k":2,"v":5.0}}
                {"at":3200,"type":"A","event":{"id":"a6","k":2,"v":6.0}}
                {"at":3300,"type":"B","event":{"id":"stop","k":2}}
                {"at":3400,"type":"B","event":{"id":"b3","k":2}}
            """
        )
        #expect(
            lines == [
                #"{"at":1100,"statement":"d","row":{"aid":"a1"}}"#,
                #"{"at":1200,"statement":"d","row":{"aid":"a2"}}"#,
                #"{"at":1300,"statement":"r","row":{"ids":["a1","a3"],"v1":3.0}}"#,
                #"{"at":2000,"statement":"u","row":{"n":3,"first":"a1","none":null,"bid":"b2"}}"#,
                #"{"at":2000,"statement":"w","row":{"aid":"a2","bid":"b2"}}"#,
                #"{"at":3200,"statement":"d","row":{"aid":"a6"}}"#,
                #"{"at":3300,"statement":"u","row":{"n":2,"first":"a5","none":null,"bid":"stop"}}"#,
            ]
        )
    }

    @Test func contextsKeyedCategoryInitiatedAndStartEnd() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                create schema B(id string, k int);
                create context ByK partition by k from A, k from B terminated by B(id = 'end');
                create context Cat group by v < 5 as low, group by v >= 5 as high from A;
                create context Sess initiated by B(id != 'end') as b terminated after 2 sec;
                create context Win start @now end after 3 sec;
                @name('keyed') context ByK select context.key1 as key, context.id as pid, count(*) as n, sum(v) as s from A;
                @name('cat') context Cat select context.label as lbl, count(*) as n from A;
                @name('sess') context Sess select context.b.id as bid, count(*) as n from A output snapshot when terminated;
                @name('win') context Win select context.name as ctx, count(*) as n from A output snapshot when terminated;
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":1.0}}
                {"at":1500,"type":"B","event":{"id":"b1","k":1}}
                {"at":2000,"type":"A","event":{"id":"a2","k":2,"v":6.0}}
                {"at":2500,"type":"A","event":{"id":"a3","k":1,"v":2.0}}
                {"at":3000,"type":"B","event":{"id":"end","k":1}}
                {"at":3500,"type":"A","event":{"id":"a4","k":1,"v":7.0}}
            """,
            until: 7000
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"keyed","row":{"key":1,"pid":0,"n":1,"s":1.0}}"#,
                #"{"at":1000,"statement":"cat","row":{"lbl":"low","n":1}}"#,
                #"{"at":2000,"statement":"keyed","row":{"key":2,"pid":1,"n":1,"s":6.0}}"#,
                #"{"at":2000,"statement":"cat","row":{"lbl":"high","n":1}}"#,
                #"{"at":2500,"statement":"keyed","row":{"key":1,"pid":0,"n":2,"s":3.0}}"#,
                #"{"at":2500,"statement":"cat","row":{"lbl":"low","n":2}}"#,
                #"{"at":3500,"statement":"sess","row":{"bid":"b1","n":2}}"#,
                #"{"at":3500,"statement":"keyed","row":{"key":1,"pid":2,"n":1,"s":7.0}}"#,
                #"{"at":3500,"statement":"cat","row":{"lbl":"high","n":2}}"#,
                #"{"at":4000,"statement":"win","row":{"ctx":"Win","n":4}}"#,
                #"{"at":7000,"statement":"win","row":{"ctx":"Win","n":0}}"#,
            ]
        )
    }

    @Test func matchRecognizePartitionsMeasuresAllMatchesAndPrev() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                @name('rise') select * from A match_recognize (partition by k measures X.id as xid, count(U.id) as n, avg(U.v) as mean, last(U.id) as lastu, Z.id as zid pattern (X U+ Z) define U as U.v > X.v, Z as Z.v < X.v);
                @name('pairs') select xid, yid from A match_recognize (measures X.id as xid, Y.id as yid all matches after match skip to next row pattern (X Y) define X as X.v < 5, Y as Y.v >= 5);
                @name('fall') select * from A match_recognize (measures D1.id as d1, D2.id as d2 pattern (D1 D2) define D2 as D2.v < prev(D2.v) and D2.k = D1.k);
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":2.0}}
                {"at":1100,"type":"A","event":{"id":"a2","k":1,"v":6.0}}
                {"at":1200,"type":"A","event":{"id":"a3","k":2,"v":3.0}}
                {"at":1300,"type":"A","event":{"id":"a4","k":1,"v":4.0}}
                {"at":1400,"type":"A","event":{"id":"a5","k":1,"v":1.0}}
                {"at":1500,"type":"A","event":{"id":"a6","k":2,"v":2.0}}
                {"at":1600,"type":"A","event":{"id":"a7","k":2,"v":8.0}}
            """
        )
        #expect(
            lines == [
                #"{"at":1100,"statement":"pairs","row":{"xid":"a1","yid":"a2"}}"#,
                #"{"at":1400,"statement":"rise","row":{"xid":"a1","n":2,"mean":5.0,"lastu":"a4","zid":"a5"}}"#,
                #"{"at":1400,"statement":"fall","row":{"d1":"a4","d2":"a5"}}"#,
                #"{"at":1600,"statement":"pairs","row":{"xid":"a6","yid":"a7"}}"#,
            ]
        )
    }

    @Test func variablesInWindowParametersAndOutputConditions() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, v double);
                create schema C(flag boolean, n int);
                create variable boolean gate = false;
                create variable int size = 2;
                on C set gate = flag, size = n;
                @name('o') select count(*) as c from A output when gate;
                @name('w') select count(*) as c from A#length(size);
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","v":1.0}}
                {"at":2000,"type":"A","event":{"id":"a2","v":2.0}}
                {"at":3000,"type":"C","event":{"flag":true,"n":3}}
                {"at":4000,"type":"A","event":{"id":"a3","v":4.0}}
                {"at":5000,"type":"A","event":{"id":"a4","v":4.0}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"w","row":{"c":1}}"#,
                #"{"at":2000,"statement":"w","row":{"c":2}}"#,
                #"{"at":4000,"statement":"o","row":{"c":1}}"#,
                #"{"at":4000,"statement":"o","row":{"c":2}}"#,
                #"{"at":4000,"statement":"o","row":{"c":3}}"#,
                #"{"at":4000,"statement":"w","row":{"c":2}}"#,
                #"{"at":5000,"statement":"o","row":{"c":4}}"#,
                #"{"at":5000,"statement":"w","row":{"c":2}}"#,
            ]
        )
    }

    @Test func tablesWithSeveralKeysReadInFiltersAndPatterns() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, j int, v double);
                create table T(k int primary key, j int primary key, n long, s sum(double));
                into table T select count(*) as n, sum(v) as s from A group by k, j;
                @name('r') select id, T[k, j].n as n, T[k, j].s as s from A(T[k, j].n > 1);
                @name('p') select a.id as aid, b.id as bid from pattern [every a=A -> b=A(T[a.k, a.j].n >= 2 and id != a.id)];
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"j":1,"v":1.0}}
                {"at":2000,"type":"A","event":{"id":"a2","k":1,"j":1,"v":2.0}}
                {"at":3000,"type":"A","event":{"id":"a3","k":1,"j":2,"v":3.0}}
                {"at":4000,"type":"A","event":{"id":"a4","k":1,"j":1,"v":4.0}}
            """
        )
        #expect(
            lines == [
                #"{"at":2000,"statement":"r","row":{"id":"a2","n":2,"s":3.0}}"#,
                #"{"at":2000,"statement":"p","row":{"aid":"a1","bid":"a2"}}"#,
                #"{"at":3000,"statement":"p","row":{"aid":"a2","bid":"a3"}}"#,
                #"{"at":4000,"statement":"r","row":{"id":"a4","n":3,"s":7.0}}"#,
            ]
        )
    }

    @Test func selectAndDeleteAndMergeInsertingIntoAStream() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                create schema B(id string, k int);
                create window W#keepall as A;
                insert into W select * from A;
                create table T(k int primary key, n long);
                on A as a merge T as t where t.k = a.k when matched and t.n >= 1 then insert into Repeat select a.id as id, t.n as seen when matched then update set n = t.n + 1 when not matched then insert select a.k as k, 1L as n;
                @name('rep') select * from Repeat;
                @name('take') on B as b select and delete w.id as wid from W as w where w.k = b.k;
                @name('tk') on B as b select and delete t.k as k, t.n as n from T as t where t.k = b.k;
                @name('w') select irstream id from W;
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":1.0}}
                {"at":2000,"type":"A","event":{"id":"a2","k":1,"v":2.0}}
                {"at":3000,"type":"A","event":{"id":"a3","k":2,"v":3.0}}
                {"at":4000,"type":"A","event":{"id":"a4","k":1,"v":4.0}}
                {"at":5000,"type":"B","event":{"id":"b1","k":1}}
                {"at":6000,"type":"B","event":{"id":"b2","k":1}}
                {"at":7000,"type":"A","event":{"id":"a5","k":1,"v":4.0}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"w","row":{"id":"a1"}}"#,
                #"{"at":2000,"statement":"w","row":{"id":"a2"}}"#,
                #"{"at":2000,"statement":"rep","row":{"id":"a2","seen":1}}"#,
                #"{"at":3000,"statement":"w","row":{"id":"a3"}}"#,
                #"{"at":4000,"statement":"w","row":{"id":"a4"}}"#,
                #"{"at":4000,"statement":"rep","row":{"id":"a4","seen":1}}"#,
                #"{"at":5000,"statement":"take","row":{"wid":"a1"}}"#,
                #"{"at":5000,"statement":"take","row":{"wid":"a2"}}"#,
                #"{"at":5000,"statement":"take","row":{"wid":"a4"}}"#,
                #"{"at":5000,"statement":"w","old":{"id":"a1"}}"#,
                #"{"at":5000,"statement":"w","old":{"id":"a2"}}"#,
                #"{"at":5000,"statement":"w","old":{"id":"a4"}}"#,
                #"{"at":5000,"statement":"tk","row":{"k":1,"n":1}}"#,
                #"{"at":7000,"statement":"w","row":{"id":"a5"}}"#,
            ]
        )
    }

    @Test func consumeTakesAnEventFromLowerLevelAtoms() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, v double);
                @name('c') select a.id as aid, b.id as bid from pattern [every a=A(v > 5)@consume or every b=A(v > 2)];
                @name('l') select a.id as aid, b.id as bid, c.id as cid from pattern [every a=A(v > 5)@consume(2) or every b=A(v > 2)@consume(1) or every c=A];
                @name('n') select a.id as aid, b.id as bid from pattern [every a=A(v > 5) or every b=A(v > 2)];
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","v":9.0}}
                {"at":2000,"type":"A","event":{"id":"a2","v":3.0}}
                {"at":3000,"type":"A","event":{"id":"a3","v":1.0}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"c","row":{"aid":"a1","bid":null}}"#,
                #"{"at":1000,"statement":"l","row":{"aid":"a1","bid":null,"cid":null}}"#,
                #"{"at":1000,"statement":"n","row":{"aid":"a1","bid":null}}"#,
                #"{"at":1000,"statement":"n","row":{"aid":null,"bid":"a1"}}"#,
                #"{"at":2000,"statement":"c","row":{"aid":null,"bid":"a2"}}"#,
                #"{"at":2000,"statement":"l","row":{"aid":null,"bid":"a2","cid":null}}"#,
                #"{"at":2000,"statement":"n","row":{"aid":null,"bid":"a2"}}"#,
                #"{"at":3000,"statement":"l","row":{"aid":null,"bid":null,"cid":"a3"}}"#,
            ]
        )
    }

    @Test func contextsStartedAndEndedByPatterns() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                create schema B(id string, k int);
                create context Burst start pattern [a=A(v > 5) -> b=A(v > 5)] end pattern [B(id = 'stop')];
                create context Watch initiated by pattern [every x=B] terminated by pattern [timer:interval(2 sec)];
                @name('burst') context Burst select context.a.id as first, context.b.id as second, count(*) as n from A output snapshot when terminated;
                @name('watch') context Watch select context.x.id as xid, count(*) as n from A output snapshot when terminated;
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":6.0}}
                {"at":1500,"type":"B","event":{"id":"b1","k":1}}
                {"at":2000,"type":"A","event":{"id":"a2","k":1,"v":7.0}}
                {"at":2500,"type":"A","event":{"id":"a3","k":1,"v":1.0}}
                {"at":3000,"type":"A","event":{"id":"a4","k":1,"v":1.0}}
                {"at":4000,"type":"B","event":{"id":"stop","k":1}}
                {"at":4500,"type":"A","event":{"id":"a5","k":1,"v":9.0}}
            """,
            until: 8000
        )
        #expect(
            lines == [
                #"{"at":3500,"statement":"watch","row":{"xid":"b1","n":3}}"#,
                #"{"at":4000,"statement":"burst","row":{"first":"a1","second":"a2","n":2}}"#,
                #"{"at":6000,"statement":"watch","row":{"xid":"stop","n":1}}"#,
            ]
        )
    }

    @Test func nestedContextsRunTheInnerContextPerOuterPartition() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                create context PerKeyWindow context ByK partition by k from A, context Per2 start @now end after 2 sec;
                @name('n') context PerKeyWindow select context.name as ctx, context.ByK.key1 as k, context.Per2.id as win, count(*) as n from A output snapshot when terminated;
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":1.0}}
                {"at":1500,"type":"A","event":{"id":"a2","k":2,"v":1.0}}
                {"at":2000,"type":"A","event":{"id":"a3","k":1,"v":1.0}}
                {"at":3500,"type":"A","event":{"id":"a4","k":1,"v":1.0}}
                {"at":4000,"type":"A","event":{"id":"a5","k":2,"v":1.0}}
            """,
            until: 6000
        )
        #expect(
            lines == [
                #"{"at":3000,"statement":"n","row":{"ctx":"PerKeyWindow","k":1,"win":0,"n":2}}"#,
                #"{"at":3500,"statement":"n","row":{"ctx":"PerKeyWindow","k":2,"win":0,"n":1}}"#,
                #"{"at":5000,"statement":"n","row":{"ctx":"PerKeyWindow","k":1,"win":1,"n":1}}"#,
                #"{"at":5500,"statement":"n","row":{"ctx":"PerKeyWindow","k":2,"win":1,"n":1}}"#,
            ]
        )
    }

    @Test func matchRecognizeIntervalAndOrTerminated() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                @name('w') select * from A match_recognize (measures X.id as xid, count(B.id) as n, last(B.id) as lastb pattern (X B*) interval 2 sec define X as X.v > 5, B as B.v <= 5);
                @name('t') select * from A match_recognize (measures X.id as xid, count(B.id) as n pattern (X B*) interval 2 sec or terminated define X as X.v > 5, B as B.v <= 5);
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":6.0}}
                {"at":1500,"type":"A","event":{"id":"a2","k":1,"v":1.0}}
                {"at":2000,"type":"A","event":{"id":"a3","k":1,"v":2.0}}
                {"at":3500,"type":"A","event":{"id":"a4","k":1,"v":3.0}}
                {"at":4000,"type":"A","event":{"id":"a5","k":1,"v":9.0}}
                {"at":4500,"type":"A","event":{"id":"a6","k":1,"v":8.0}}
            """,
            until: 8000
        )
        #expect(
            lines == [
                #"{"at":3000,"statement":"w","row":{"xid":"a1","n":2,"lastb":"a3"}}"#,
                #"{"at":3000,"statement":"t","row":{"xid":"a1","n":2}}"#,
                #"{"at":4500,"statement":"t","row":{"xid":"a5","n":0}}"#,
                #"{"at":6000,"statement":"w","row":{"xid":"a5","n":0,"lastb":null}}"#,
                #"{"at":6500,"statement":"w","row":{"xid":"a6","n":0,"lastb":null}}"#,
                #"{"at":6500,"statement":"t","row":{"xid":"a6","n":0}}"#,
            ]
        )
    }

    @Test func tagArraysHaveTheirSize() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, v double);
                @name('x') select a.size() as s, a.countOf() as c from pattern [[2] a=A];
            """,
            """
                {"at":1,"type":"A","event":{"id":"a","v":1}}
                {"at":2,"type":"A","event":{"id":"b","v":1}}
            """
        )
        #expect(
            lines == [
                #"{"at":2,"statement":"x","row":{"s":2,"c":2}}"#
            ]
        )
    }

    @Test func anIndexedNamedWindowGivesTheRowsOfAScan() throws {
        let lines = try EPLLanguageTests.run(
            """
                create schema A(id string, k int, v double);
                create schema B(id string, k int, v double);
                create window S#keepall as (k int, total double, n long);
                create index SK on S(k);
                on A as a merge S as s where s.k = a.k when matched and s.n >= 2 then delete when matched then update set total = s.total + a.v, n = s.n + 1 when not matched then insert select a.k as k, a.v as total, 1L as n;
                on B as b update S as s set total = 0.0 where s.k = b.k and b.v > 0;
                @name('w') select irstream k, total, n from S;
            """,
            """
                {"at":1000,"type":"A","event":{"id":"a1","k":1,"v":1.0}}
                {"at":2000,"type":"A","event":{"id":"a2","k":2,"v":2.0}}
                {"at":3000,"type":"A","event":{"id":"a3","k":1,"v":3.0}}
                {"at":4000,"type":"B","event":{"id":"b1","k":1,"v":1.0}}
                {"at":5000,"type":"A","event":{"id":"a4","k":1,"v":4.0}}
                {"at":6000,"type":"A","event":{"id":"a5","k":1,"v":5.0}}
                {"at":7000,"type":"B","event":{"id":"b2","k":2,"v":0.0}}
            """
        )
        #expect(
            lines == [
                #"{"at":1000,"statement":"w","row":{"k":1,"total":1.0,"n":1}}"#,
                #"{"at":2000,"statement":"w","row":{"k":2,"total":2.0,"n":1}}"#,
                #"{"at":3000,"statement":"w","row":{"k":1,"total":4.0,"n":2}}"#,
                #"{"at":3000,"statement":"w","old":{"k":1,"total":1.0,"n":1}}"#,
                #"{"at":4000,"statement":"w","row":{"k":1,"total":0.0,"n":2}}"#,
                #"{"at":4000,"statement":"w","old":{"k":1,"total":4.0,"n":2}}"#,
                #"{"at":5000,"statement":"w","old":{"k":1,"total":0.0,"n":2}}"#,
                #"{"at":6000,"statement":"w","row":{"k":1,"total":5.0,"n":1}}"#,
            ]
        )
    }
}
