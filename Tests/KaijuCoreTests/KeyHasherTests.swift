import Testing

@testable import KaijuCore

/// ``KeyHasher`` must agree with `Value`'s `==`: equal keys hash alike, or lookups miss.
struct KeyHasherTests {
    private func sameHash(_ a: Value, _ b: Value) -> Bool { KeyHasher.hash(a) == KeyHasher.hash(b) }

    @Test func numbersHashAlikeAcrossIntAndDouble() {
        #expect(self.sameHash(.int(3), .double(3.0)))
        #expect(self.sameHash(.array([.int(-7), "x"]), .array([.double(-7), "x"])))
        #expect(!self.sameHash(.int(3), .double(3.5)))
    }

    @Test func canonicallyEquivalentStringsHashAlike() {
        // KELVIN SIGN, GREEK QUESTION MARK and GREEK VARIA equal ASCII letters under Swift's ==.
        let pairs: [(String, String)] = [
            ("\u{212A}elvin", "Kelvin"), ("a\u{037E}", "a;"), ("\u{1FEF}x", "`x"),
            ("e\u{301}t\u{E9}", "\u{E9}te\u{301}"),
        ]
        for (a, b) in pairs {
            #expect(Value.string(a) == .string(b))
            #expect(self.sameHash(.string(a), .string(b)), "\(a) / \(b)")
        }
    }

    @Test func stringsOfEveryLengthHashByContent() {
        var seen = Set<Int>()
        for n in 0..<40 {
            let s = String(repeating: "a", count: n)
            #expect(self.sameHash(.string(s), .string(String(s.utf8.map { Character(Unicode.Scalar($0)) }))))
            seen.insert(KeyHasher.hash(.string(s)))
        }
        #expect(seen.count == 40)
        #expect(!self.sameHash("container_cpu_usage_seconds_total", "container_cpu_usage_seconds_totaL"))
        #expect(!self.sameHash(.array(["ab", "c"]), .array(["a", "bc"])))
    }

    @Test func mapsAndComponentArraysHashAsTheirValues() {
        let tags: Value = ["pod_name": "p1", "container_name": "c1", "namespace": "ns"]
        #expect(self.sameHash(tags, ["namespace": "ns", "container_name": "c1", "pod_name": "p1"]))
        let parts: [Value] = ["c1", "p1", "ns"]
        #expect(KeyHasher.hash(ofArray: parts) == KeyHasher.hash(.array(parts)))
        #expect(HashedValue(.array(parts)) == HashedValue(.array(["c1", "p1", "ns"])))
    }
}
