// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every decoder and parser Kaiju exposes to peers and rule authors.
// Build and run with ./run (which adds -sanitize=fuzzer,address); see docs/reliability.md.
let package = Package(
    name: "kaiju-fuzz",
    dependencies: [.package(name: "kaiju", path: "..")],
    targets: [
        .executableTarget(
            name: "kaiju-fuzz",
            dependencies: [
                .product(name: "KaijuCore", package: "kaiju"),
                .product(name: "KaijuEPL", package: "kaiju"),
                .product(name: "KaijuCodecs", package: "kaiju"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
