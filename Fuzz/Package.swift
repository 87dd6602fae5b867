// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every decoder and parser Kaiju exposes to peers and rule authors.
// Build and run with ./run (which adds -sanitize=fuzzer,address); see docs/reliability.md.
let package = Package(
    name: "kaiju-fuzz",
    dependencies: [
        .package(name: "kaiju", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "kaiju-fuzz",
            dependencies: [
                .product(name: "KaijuCore", package: "kaiju"),
                .product(name: "KaijuEPL", package: "kaiju"),
                .product(name: "KaijuCodecs", package: "kaiju"),
                .product(name: "KaijuNATS", package: "kaiju"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
