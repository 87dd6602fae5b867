import KaijuTestSupport
import Testing

@testable import KaijuCore

/// The data structures' invariants, checked after every operation of a deterministic workload.
struct InvariantTests {
    @Test func valueMapsStaySortedAndUniqueHoweverTheyAreBuilt() {
        var random = SplitMix(state: 1)
        for size in [0, 1, 2, 15, 16, 17, 100] {
            let entries = (0..<size).map { _ in
                ValueMap.Entry(key: "k\(random.next(size + 1))", value: .int(Int64(random.next(1000))))
            }
            let map = ValueMap(entries)
            map._checkInvariants()
            // The last of repeated keys wins.
            for key in Set(entries.map(\.key)) {
                #expect(map[key] == entries.last { $0.key == key }?.value)
            }
            var edited = map
            edited["new"] = .string("x")
            edited["k0"] = nil
            edited._checkInvariants()
        }
    }

    @Test func groupIndexChainsEveryGroupOnceThroughInsertsAndRemovals() {
        var random = SplitMix(state: 2)
        var index = GroupIndex()
        var live: [GroupState] = []
        for step in 0..<2_000 {
            if live.isEmpty || random.next(3) > 0 {
                let group = GroupState(key: HashedValue(.int(Int64(step))), aggregates: [])
                index.insert(group)
                live.append(group)
            } else {
                index.remove(live.remove(at: random.next(live.count)))
            }
            index._checkInvariants()
        }
        #expect(index.count == live.count)
        for group in live { #expect(index.find(group.key) === group) }
    }

    @Test func schedulerHeapStaysOrderedWhileWindowsAndOutputPeriodsRun() throws {
        let runtime = Runtime(clock: .virtual(startingAt: 0))
        try runtime.declare(SchemaDeclaration("T", columns: [Column("k", .string), Column("v", .long)]))
        try runtime.add(StatementPlan(from: .init("T"), windows: [.time(.seconds(10))]), name: "window")
        try runtime.add(
            StatementPlan(
                from: .init("T"),
                windows: [.time(.seconds(5))],
                select: [.wildcard],
                output: OutputSpec(.last, every: .time(.seconds(3)))
            ),
            name: "output"
        )
        var random = SplitMix(state: 3)
        var time: Int64 = 0
        for _ in 0..<500 {
            time += Int64(random.next(2_000))
            try runtime.send(
                row: [.string("k\(random.next(5))"), .int(Int64(random.next(100)))],
                type: "T",
                timestamp: time
            )
            runtime.scheduler._checkInvariants()
        }
        runtime.advance(to: time + 60_000)
        runtime.scheduler._checkInvariants()
        // Every window has emptied; only the output period's next end is pending.
        #expect(runtime.scheduler.count == 1)
    }
}
