// swift-tools-version:6.0
import PackageDescription

/// What every thin executable links: the engine, the rule front ends, ingest, and flag parsing.
let executableDependencies: [Target.Dependency] = [
    "KaijuCore", "KaijuEPL", "KaijuIngest", "KaijuExampleRules",
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
]

let package = Package(
    name: "kaiju",
    products: [
        .library(name: "KaijuCore", targets: ["KaijuCore"]),
        .library(name: "KaijuEPL", targets: ["KaijuEPL"]),
        .library(name: "KaijuIngest", targets: ["KaijuIngest"]),
        .library(name: "KaijuExampleRules", targets: ["KaijuExampleRules"]),
        .executable(name: "kaiju-metrics", targets: ["kaiju-metrics"]),
        .executable(name: "kaiju-logs", targets: ["kaiju-logs"]),
        .executable(name: "kaiju-traces", targets: ["kaiju-traces"]),
        .executable(name: "kaiju-hl", targets: ["kaiju-hl"]),
        .executable(name: "kaiju", targets: ["kaiju"]),
        .executable(name: "kaiju-demo", targets: ["kaiju-demo"]),
        .executable(name: "kaiju-paper", targets: ["kaiju-paper"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // MARK: - Targets
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(
            name: "KaijuCore",
            dependencies: [
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "KaijuEPL", dependencies: ["KaijuCore"]),
        .target(
            name: "KaijuIngest",
            dependencies: [
                "KaijuCore", "KaijuEPL", "CZlib", "CMalloc",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "kaiju-metrics", dependencies: executableDependencies),
        .executableTarget(name: "kaiju-logs", dependencies: executableDependencies),
        .executableTarget(name: "kaiju-traces", dependencies: executableDependencies),
        .executableTarget(name: "kaiju-hl", dependencies: executableDependencies),
        .executableTarget(
            name: "kaiju",
            dependencies: ["KaijuIngest", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: - Examples
        .target(name: "KaijuExampleRules", dependencies: ["KaijuCore", "KaijuEPL"], path: "Examples/rules"),
        .executableTarget(
            name: "kaiju-demo",
            dependencies: executableDependencies,
            path: "Examples/demo",
            exclude: ["sample.ndjson", "README.md", "make-sample.py"]
        ),
        .executableTarget(
            name: "kaiju-paper",
            dependencies: ["KaijuExampleRules", "KaijuCore"],
            path: "Examples/paper",
            exclude: ["metrics.ndjson", "logs.ndjson", "traces.ndjson", "hl.ndjson", "expected.ndjson", "make-recordings.py"]
        ),

        // MARK: - Tests
        .testTarget(name: "KaijuCoreTests", dependencies: ["KaijuCore"]),
        .testTarget(name: "KaijuEPLTests", dependencies: ["KaijuCore", "KaijuEPL", "KaijuExampleRules"]),
        .testTarget(
            name: "KaijuIngestTests",
            dependencies: [
                "KaijuCore", "KaijuIngest",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
