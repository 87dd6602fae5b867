#if canImport(Glibc)
import Glibc
#endif

/// The target this process fuzzes, from `KAIJU_FUZZ_TARGET` (read once, at the first input).
nonisolated(unsafe) private var selected: FuzzTarget?

/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    if selected == nil {
        let name = getenv("KAIJU_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            print("set KAIJU_FUZZ_TARGET to one of: \(names)")
            exit(2)
        }
        selected = target
    }
    selected?.run(UnsafeRawBufferPointer(start: data, count: count))
    return 0
}
