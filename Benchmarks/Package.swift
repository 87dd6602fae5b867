// swift-tools-version:6.0
// Benchmarks live in their own package so library users and the test build never build them.
// Run: cd Benchmarks && swift run -c release kaiju-bench
import PackageDescription

let package = Package(
    name: "kaiju-benchmarks",
    dependencies: [
        .package(name: "kaiju", path: ".."),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    ],
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
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
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
