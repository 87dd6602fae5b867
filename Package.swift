// swift-tools-version:6.0
import PackageDescription

/// What every server executable links: the command-line layer (which brings the servers and rules) and flags.
let serverExecutableDependencies: [Target.Dependency] = [
    "KaijuCommandLine", "KaijuServer", "KaijuRules", "KaijuCore",
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
]

let package = Package(
    name: "kaiju",
    products: [
        .library(name: "KaijuCore", targets: ["KaijuCore"]),
        .library(name: "KaijuEPL", targets: ["KaijuEPL"]),
        .library(name: "KaijuCodecs", targets: ["KaijuCodecs"]),
        .library(name: "KaijuServer", targets: ["KaijuServer"]),
        .library(name: "KaijuNATS", targets: ["KaijuNATS"]),
        .library(name: "KaijuRules", targets: ["KaijuRules"]),
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
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Tests only: reading the Kubernetes manifests.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
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
        .target(name: "KaijuRules", dependencies: ["KaijuCore", "KaijuEPL"]),
        // Protocol codecs: bytes in, typed events out. No NIO.
        .target(
            name: "KaijuCodecs",
            dependencies: [
                "KaijuCore", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The listeners, HTTP endpoints, admin API and kaiju-hl forwarder the four servers share.
        .target(
            name: "KaijuServer",
            dependencies: [
                "KaijuCore", "KaijuEPL", "KaijuCodecs", "KaijuNATS", "CMalloc",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A NATS client (core protocol and JetStream) on SwiftNIO.
        .target(
            name: "KaijuNATS",
            dependencies: [
                "KaijuCore",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Flags, logging bootstrap and the serve/replay choice: shared by the executables, in no library product.
        .target(
            name: "KaijuCommandLine",
            dependencies: [
                "KaijuCore", "KaijuEPL", "KaijuCodecs", "KaijuServer", "KaijuNATS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "kaiju-metrics", dependencies: serverExecutableDependencies),
        .executableTarget(name: "kaiju-logs", dependencies: serverExecutableDependencies),
        .executableTarget(name: "kaiju-traces", dependencies: serverExecutableDependencies),
        .executableTarget(name: "kaiju-hl", dependencies: serverExecutableDependencies),
        .executableTarget(
            name: "kaiju",
            dependencies: [
                "KaijuServer", "KaijuCommandLine", "KaijuEPL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Examples
        .executableTarget(
            name: "kaiju-demo",
            dependencies: ["KaijuCore", "KaijuRules"],
            path: "Examples/demo",
            exclude: ["sample.ndjson", "README.md", "make-sample.py"]
        ),
        .executableTarget(
            name: "kaiju-paper",
            dependencies: ["KaijuRules", "KaijuCore"],
            path: "Examples/paper",
            exclude: [
                "metrics.ndjson", "logs.ndjson", "traces.ndjson", "hl.ndjson", "expected.ndjson", "make-recordings.py",
            ]
        ),

        // MARK: - Tests
        .testTarget(name: "KaijuCoreTests", dependencies: ["KaijuCore", "KaijuTestSupport"]),
        .testTarget(name: "KaijuEPLTests", dependencies: ["KaijuCore", "KaijuEPL", "KaijuRules", "KaijuTestSupport"]),
        .target(
            name: "KaijuTestSupport",
            dependencies: ["KaijuCore"],
            path: "Tests/KaijuTestSupport",
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "KaijuCodecsTests",
            dependencies: ["KaijuCore", "KaijuEPL", "KaijuCodecs", "KaijuTestSupport"]
        ),
        .testTarget(
            name: "KaijuServerTests",
            dependencies: [
                "KaijuCore", "KaijuEPL", "KaijuCodecs", "KaijuServer", "KaijuTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "KaijuNATSTests",
            dependencies: [
                "KaijuCore", "KaijuNATS", "KaijuTestSupport",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "KaijuCommandLineTests", dependencies: ["KaijuCodecs", "KaijuServer", "KaijuCommandLine"]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
