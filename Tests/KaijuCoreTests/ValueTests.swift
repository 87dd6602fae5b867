import Foundation
import Testing

@testable import KaijuCore

struct ValueTests {
    @Test func numbersCompareAndHashAcrossIntAndDouble() {
        #expect(Value.int(3) == .double(3.0))
        #expect(Value.int(3) != .double(3.5))
        #expect(Set<Value>([.int(3), .double(3.0)]).count == 1)
        #expect(Value.int(3) < .double(3.5))
        #expect(Value.null < .bool(false))
        #expect(Value.double(1e300) > .int(Int64.max))
        #expect(Value.eplCompare(.string("a"), .int(1)) == nil)
    }

    @Test func valueMapIsSortedAndOrderIndependent() {
        let a = ValueMap(["b": 1, "a": 2])
        let b = ValueMap(["a": 2, "b": 1])
        #expect(a == b)
        #expect(a.keys == ["a", "b"])
        #expect(ValueMap([.init(key: "x", value: 1), .init(key: "x", value: 2)])["x"] == .int(2))
        var m = a
        m["c"] = .string("z")
        m["a"] = nil
        #expect(m.keys == ["b", "c"])
    }

    @Test func jsonRoundTripsExactly() throws {
        let text =
            #"{"a":[1,-2,3.5,1e-05,true,false,null],"b":{"c":"x\"y\\z\n\u0001é😀"},"big":9223372036854775807,"neg":-9223372036854775808}"#
        let v = try Value(json: text)
        #expect(v["big"] == .int(Int64.max))
        #expect(v["neg"] == .int(Int64.min))
        #expect(v["b"]["c"] == .string("x\"y\\z\n\u{1}é😀"))
        #expect(
            v.jsonString
                == #"{"a":[1,-2,3.5,1e-05,true,false,null],"b":{"c":"x\"y\\z\n\u0001é😀"},"big":9223372036854775807,"neg":-9223372036854775808}"#
        )
        #expect(try Value(json: #""\ud83d\ude00""#) == .string("😀"))
        #expect(try Value(json: "18446744073709551616") == .double(18446744073709551616.0))
    }

    @Test func malformedJsonReportsTheByteOffset() {
        func offset(_ s: String) -> Int? {
            do {
                _ = try Value(json: s)
                return nil
            } catch { return error.offset }
        }
        #expect(offset(#"{"a":1,}"#) == 7)
        #expect(offset(#"{"a" 1}"#) == 5)
        #expect(offset("[1,2") == 4)
        #expect(offset(#"{"a":tru}"#) == 5)
        #expect(offset("1 2") == 2)
        #expect(offset(#""abc"#) == 4)
        #expect(offset("-") == 0)
        do {
            _ = try Value(json: #"{"a":[1,}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "invalid JSON at byte 8: expected a value")
        }
    }

    @Test func nonFiniteDoublesAreWrittenAsQuotedNames() {
        #expect(
            Value.array([.double(.infinity), .double(-.infinity), .double(.nan), .double(2.5)]).jsonString
                == #"["Infinity","-Infinity","NaN",2.5]"#
        )
    }
}

struct ValueMapOrderTests {
    static func entries(_ pairs: [(String, Int64)]) -> [ValueMap.Entry] {
        pairs.map { .init(key: $0.0, value: .int($0.1)) }
    }

    @Test func sortsByKeyAndKeepsTheLastOfRepeatedKeys() {
        let small = ValueMap(Self.entries([("b", 1), ("a", 2), ("b", 3), ("a", 4), ("c", 5), ("a", 6)]))
        #expect(small.entries == Self.entries([("a", 6), ("b", 3), ("c", 5)]))
        // More than 16 entries take the other path; the result must be the same rule.
        var many: [(String, Int64)] = (0..<20).reversed().map { ("k\(String(format: "%02d", $0))", Int64($0)) }
        many.append(("k05", 99))
        many.insert(("k07", -1), at: 0)
        let big = ValueMap(Self.entries(many))
        #expect(big.count == 20)
        #expect(big["k05"] == .int(99))
        #expect(big["k07"] == .int(7))
        #expect(big.keys == (0..<20).map { "k\(String(format: "%02d", $0))" })
    }

    @Test func mapLiteralsTakeVariablesOfAnyConvertibleType() {
        let usage = 93.5
        let host = "a"
        let cores = 4
        let labels = ["zone": "eu"]
        let metric = Metric(
            name: "cpu",
            timestamp: 1,
            fields: ["usage_idle": usage, "cores": cores],
            tags: ["host": host, "labels": labels]
        )
        #expect(
            metric.fields
                == ValueMap([
                    ValueMap.Entry(key: "cores", value: .int(4)),
                    ValueMap.Entry(key: "usage_idle", value: .double(93.5)),
                ])
        )
        #expect(metric.tags["host"] == .string("a"))
        #expect(metric.tags["labels"] == .object(ValueMap([ValueMap.Entry(key: "zone", value: .string("eu"))])))
    }
}
