// swift-tools-version:6.2
import PackageDescription

// One direction of dependencies:
// model ← (crypto, policy, format readers) ← stages ← service ← {server, commands} ← executable.
// Stage modules (Inspection, Licensing, Classification, Signing, Lifecycle, Whitelist) never import each other.

let package = Package(
    name: "depot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "depot", targets: ["depot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // System libraries: apt providers let SwiftPM say which package is missing.
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),

        .target(name: "DepotModel"),
        .target(name: "DepotCrypto", dependencies: ["COpenSSL", "DepotModel"]),
        .target(name: "DepotPolicy", dependencies: ["DepotModel", .product(name: "Yams", package: "Yams")]),
        .target(name: "WindowsFormats", dependencies: ["DepotModel", "DepotCrypto"]),

        .target(name: "Inspection", dependencies: ["CArchive", "DepotModel", "DepotCrypto", "DepotPolicy", "WindowsFormats"]),
        .target(name: "Licensing", dependencies: ["DepotModel", "DepotPolicy"]),
        .target(name: "Classification", dependencies: ["DepotModel", "DepotPolicy"]),
        .target(name: "Signing", dependencies: ["DepotModel", "DepotCrypto"]),
        .target(name: "Lifecycle", dependencies: ["DepotModel", "DepotPolicy"]),
        .target(name: "Whitelist", dependencies: ["DepotModel", "DepotPolicy"]),
        // Install tests: the runner interface and the Wine runner (overlayfs, bubblewrap, process groups).
        .target(name: "Sandbox", dependencies: ["DepotModel", "DepotCrypto"]),

        .target(name: "Storage", dependencies: [
            "DepotModel", "DepotCrypto",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "CatalogService", dependencies: [
            "DepotModel", "DepotCrypto", "DepotPolicy", "Storage", "Inspection", "Lifecycle", "Licensing", "Classification",
            "Signing", "Whitelist", "Sandbox",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // The API document is a declared file (Resources/openapi.json), served as it is and checked against the server.
        .target(name: "DepotServer", dependencies: [
            "DepotModel", "CatalogService", "Classification",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ], resources: [.copy("Resources/openapi.json")]),
        // The edu whitelist server: its own process on the school network, reading only a published edu directory
        // and its own small store; it never opens the catalog database and holds no private key.
        .target(name: "EduServer", dependencies: [
            "DepotModel", "DepotCrypto", "Signing", "Whitelist", "CArchive",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .target(name: "DepotCommands", dependencies: [
            "DepotModel", "CatalogService", "DepotServer", "Classification", "Signing", "Lifecycle", "Whitelist", "EduServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "depot", dependencies: [
            "DepotCommands",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The readers as fuzz targets: `make fuzz` builds DepotFuzz with libFuzzer; a plain build replays files.
        .target(name: "DepotFuzzing", dependencies: ["DepotModel", "Inspection"]),
        .executableTarget(name: "DepotFuzz", dependencies: ["DepotFuzzing"]),
        .executableTarget(name: "DepotBench", dependencies: [
            "DepotModel", "Sandbox", "DepotCrypto", "CatalogService", "Licensing", "Lifecycle", "Signing",
        ]),

        .target(name: "DepotTestSupport", dependencies: ["DepotModel"], path: "Tests/DepotTestSupport"),
        .testTarget(name: "DepotModelTests", dependencies: ["DepotModel"]),
        .testTarget(name: "DepotCryptoTests", dependencies: ["DepotCrypto", "DepotTestSupport"]),
        .testTarget(name: "DepotPolicyTests", dependencies: ["DepotPolicy", "DepotTestSupport"]),
        .testTarget(name: "InspectionTests", dependencies: ["Inspection", "DepotFuzzing", "DepotTestSupport"],
                    exclude: ["FuzzRegressions"]),
        .testTarget(name: "WindowsFormatsTests", dependencies: ["WindowsFormats", "Inspection", "DepotTestSupport"]),
        .testTarget(name: "LicensingTests", dependencies: ["Licensing", "DepotTestSupport"]),
        .testTarget(name: "LifecycleTests", dependencies: ["Lifecycle", "DepotTestSupport"]),
        .testTarget(name: "ClassificationTests", dependencies: ["Classification", "DepotTestSupport"]),
        .testTarget(name: "WhitelistTests", dependencies: ["Whitelist", "DepotTestSupport"]),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "DepotTestSupport"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing", "DepotCrypto", "DepotTestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "DepotTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "CatalogServiceTests", dependencies: ["CatalogService", "Storage", "DepotTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["DepotTestSupport"], exclude: ["browser"]),
        .testTarget(name: "EduServerTests", dependencies: [
            "EduServer", "Signing", "Whitelist", "DepotTestSupport", "DepotCrypto", "DepotModel", "DepotPolicy",
        ]),
    ]
)
