// swift-tools-version:6.0
// Benchmarks live in their own package so library users and the test build never build them.
// Run: cd Benchmarks && swift run -c release kaiju-bench
import PackageDescription

let package = Package(
    name: "kaiju-benchmarks",
    dependencies: [.package(name: "kaiju", path: "..")],
    targets: [
        .executableTarget(
            name: "kaiju-bench",
            dependencies: [
                .product(name: "KaijuCore", package: "kaiju"),
                .product(name: "KaijuEPL", package: "kaiju"),
                .product(name: "KaijuRules", package: "kaiju"),
            ]
        ),
        .executableTarget(
            name: "kaiju-ingest-bench",
            dependencies: [
                .product(name: "KaijuCore", package: "kaiju"),
                .product(name: "KaijuCodecs", package: "kaiju"),
                .product(name: "KaijuServer", package: "kaiju"),
            ]
        ),
        .executableTarget(
            name: "kaiju-workloads",
            dependencies: [
                .product(name: "KaijuCore", package: "kaiju"),
                .product(name: "KaijuEPL", package: "kaiju"),
            ]
        ),
        .executableTarget(
            name: "kaiju-nats-bench",
            dependencies: [
                .product(name: "KaijuCore", package: "kaiju"),
                .product(name: "KaijuEPL", package: "kaiju"),
                .product(name: "KaijuNATS", package: "kaiju"),
                .product(name: "KaijuServer", package: "kaiju"),
            ]
        ),
        .executableTarget(
            name: "kaiju-parse-bench",
            dependencies: [
                .product(name: "KaijuCore", package: "kaiju"),
                .product(name: "KaijuEPL", package: "kaiju"),
            ]
        ),
    ]
)
