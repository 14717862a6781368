// swift-tools-version:6.1
//
// libFuzzer targets for Understudy's parsers (issue 11). Not part of the main package: the parsers'
// source files are symlinked in (Sources/*; the anonymizer's whole folder, so files added there are
// picked up), so that only they and their small dependencies are
// built with coverage instrumentation, and the normal build never sees these targets. Build and
// run with tools/fuzz/run (README.md).
import PackageDescription

let fuzz: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "understudy-fuzz",
    dependencies: [
        // The checkout the main package already resolved (swift build there first); the anonymizer's HMAC.
        .package(path: "../../.build/checkouts/swift-crypto"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd"),
        .target(name: "UnderstudyArchive", dependencies: ["CZstd"], exclude: ["README.md"]),
        // The SSE parser and the known-key scanner the anonymizer's secret detector uses.
        .target(name: "UnderstudyWire"),
        .target(name: "CFuzzDriver"),
        .target(name: "Anonymize", dependencies: ["UnderstudyArchive", "UnderstudyWire", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "PcapParsers", dependencies: ["UnderstudyArchive"]),
        .executableTarget(name: "FuzzSSE", dependencies: ["CFuzzDriver", "UnderstudyWire"], swiftSettings: fuzz),
        .executableTarget(name: "FuzzHTTP1", dependencies: ["CFuzzDriver", "PcapParsers"], swiftSettings: fuzz),
        .executableTarget(name: "FuzzTCP", dependencies: ["CFuzzDriver", "PcapParsers"], swiftSettings: fuzz),
        .executableTarget(name: "FuzzAnonymizer", dependencies: ["CFuzzDriver", "Anonymize"], swiftSettings: fuzz),
        .executableTarget(name: "FuzzArchive", dependencies: ["CFuzzDriver", "UnderstudyArchive"], swiftSettings: fuzz),
    ]
)
