// swift-tools-version:6.1
//
// Understudy: records the LLM calls of agents, distills specialists from them, proves their
// coverage by shadow replay and swaps them in. Module map and data flow: README.md and DESIGN.md.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
/// The recorder's release build without run-time exclusivity checks (`swift_beginAccess` on every
/// access to a class's stored property: this module's ~60 of the event loop's ~150 per request,
/// ~1–1.5% of the loop's samples at max load). Debug builds keep them, and so does a build with
/// UNDERSTUDY_EXCLUSIVITY_CHECKS=1 in the environment: `tools/test` sets it, so the whole test run
/// builds and runs the recorder checked. Why it is safe, and what switching costs:
/// Sources/UnderstudyRecorder/README.md, "Exclusivity checks". UnderstudyArchive and UnderstudyWire,
/// the recording threads' other code, use it too (audit: Sources/UnderstudyArchive/README.md).
let uncheckedInRelease: [SwiftSetting] =
    Context.environment["UNDERSTUDY_EXCLUSIVITY_CHECKS"] == "1"
    ? []
    : [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "understudy",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "understudy", targets: ["understudy"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.26.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/ordo-one/TextTable.git", from: "0.0.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/console-kit.git", from: "4.16.0"),
    ],
    targets: [
        // C libraries from Debian's -dev packages. Each is imported by exactly one Swift module.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // The one C kernel of the project (a product over pre-packed weights, which OpenBLAS lacks),
        // imported only by UnderstudyInference; optimized in debug builds too, so tests stay fast.
        .target(name: "CPackedGEMM", cSettings: [.unsafeFlags(["-O2"])]),

        .target(
            name: "UnderstudyArchive",
            dependencies: ["CZstd", .product(name: "Atomics", package: "swift-atomics")],
            exclude: ["README.md"],
            // The recording threads' code, unchecked as the recorder is: Sources/UnderstudyArchive/README.md,
            // "Exclusivity checks".
            swiftSettings: strict + uncheckedInRelease
        ),
        .target(
            name: "UnderstudyWire",
            dependencies: ["UnderstudyArchive", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"],
            // As UnderstudyArchive (same README section).
            swiftSettings: strict + uncheckedInRelease
        ),
        .target(
            name: "UnderstudyRecorder",
            dependencies: [
                "UnderstudyArchive", "UnderstudyWire", "CPcap",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            exclude: ["README.md", "Forward/README.md", "Pcap/README.md"],
            swiftSettings: strict + uncheckedInRelease
        ),
        .target(
            name: "UnderstudyInference",
            dependencies: ["CBLAS", "CPackedGEMM"],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "UnderstudyDistill",
            dependencies: [
                "UnderstudyArchive", "UnderstudyWire", "UnderstudyInference",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "UnderstudyReplay",
            dependencies: [
                "UnderstudyArchive", "UnderstudyWire", "UnderstudyDistill", "UnderstudyInference",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "UnderstudyRouter",
            dependencies: [
                "UnderstudyArchive", "UnderstudyWire", "UnderstudyRecorder", "UnderstudyDistill",
                "UnderstudyInference", "UnderstudyReplay",
            ],
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "understudy",
            dependencies: [
                "UnderstudyArchive", "UnderstudyWire", "UnderstudyRecorder", "UnderstudyDistill",
                "UnderstudyInference", "UnderstudyReplay", "UnderstudyRouter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "TextTable", package: "TextTable"),
                .product(name: "ConsoleKitTerminal", package: "console-kit"),
            ],
            swiftSettings: strict
        ),

        // The Swift side of tools/bench/embed and tools/bench/specialist (not a product).
        .executableTarget(
            name: "inference-bench", dependencies: ["UnderstudyInference"], path: "tools/bench/inference-bench",
            swiftSettings: strict
        ),

        // Shared by the test targets: locating the binary and .venv, running processes, free ports.
        .target(name: "UnderstudyTestSupport", path: "Tests/UnderstudyTestSupport"),
        .testTarget(name: "UnderstudyTestSupportTests", dependencies: ["UnderstudyTestSupport"]),
        .testTarget(
            name: "UnderstudyArchiveTests", dependencies: ["UnderstudyArchive", "UnderstudyTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "UnderstudyWireTests", dependencies: ["UnderstudyWire", "UnderstudyTestSupport"]),
        .testTarget(
            name: "UnderstudyRecorderTests",
            dependencies: [
                "UnderstudyRecorder", "UnderstudyArchive", "UnderstudyWire", "UnderstudyTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(name: "UnderstudyDistillTests", dependencies: ["UnderstudyDistill", "UnderstudyTestSupport"]),
        .testTarget(name: "UnderstudyInferenceTests", dependencies: ["UnderstudyInference", "UnderstudyTestSupport"]),
        .testTarget(
            name: "UnderstudyReplayTests", dependencies: ["UnderstudyReplay", "UnderstudyTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "UnderstudyRouterTests", dependencies: ["UnderstudyRouter", "UnderstudyTestSupport"]),
    ]
)
