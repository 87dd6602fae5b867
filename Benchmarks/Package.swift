// swift-tools-version:6.0
// Benchmarks live in their own package so library users and the test build never build them.
// Run: cd Benchmarks && swift run -c release kaiju-bench
import PackageDescription

let package = Package(
    name: "kaiju-benchmarks",
    dependencies: [.package(path: "../")],
    targets: [
        .executableTarget(
            name: "kaiju-bench",
            dependencies: [
                .product(name: "KaijuCore", package: "main"),
                .product(name: "KaijuEPL", package: "main"),
                .product(name: "KaijuRules", package: "main"),
            ]
        ),
        .executableTarget(
            name: "kaiju-ingest-bench",
            dependencies: [
                .product(name: "KaijuCore", package: "main"),
                .product(name: "KaijuCodecs", package: "main"),
                .product(name: "KaijuServer", package: "main"),
            ]
        ),
        .executableTarget(
            name: "kaiju-parse-bench",
            dependencies: [
                .product(name: "KaijuCore", package: "main"),
                .product(name: "KaijuEPL", package: "main"),
            ]
        ),
    ]
)
