// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

/// Surfaces: a member is only visible in a file that imports its module (so reaching past the facade fails the build).
let sealed: [SwiftSetting] = strict + [.enableUpcomingFeature("MemberImportVisibility")]

/// Libraries: sealed, and an import is internal unless it says `public` (a dependency a module's API exposes is
/// declared as such; one it only uses stays out of its clients' view).
let library: [SwiftSetting] = sealed + [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "Meerkat",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MeerkatCore", targets: ["MeerkatCore"]),
        .library(name: "MeerkatRuntime", targets: ["MeerkatRuntime"]),
        .library(name: "MeerkatProviders", targets: ["MeerkatProviders"]),
        .library(name: "MeerkatSQLite", targets: ["MeerkatSQLite"]),
        .library(name: "MeerkatTools", targets: ["MeerkatTools"]),
        .library(name: "MeerkatService", targets: ["MeerkatService"]),
        .library(name: "MeerkatServer", targets: ["MeerkatServer"]),
        .library(name: "MeerkatTesting", targets: ["MeerkatTesting"]),
        .executable(name: "skat", targets: ["skat"]),
        .executable(name: "meerkat-bench", targets: ["MeerkatBench"]),
        .executable(name: "meerkat-mock", targets: ["MeerkatMock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(name: "MeerkatCore", swiftSettings: library),
        .target(name: "MeerkatRuntime", dependencies: ["MeerkatCore"], swiftSettings: library),
        .target(
            name: "MeerkatProviders",
            dependencies: [
                "MeerkatCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: library
        ),
        .target(
            name: "MeerkatSQLite",
            dependencies: ["MeerkatCore", "MeerkatRuntime", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: library
        ),
        .target(
            name: "MeerkatTools",
            dependencies: [
                "MeerkatCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: library
        ),
        .executableTarget(
            name: "MeerkatMCPTestServer",
            dependencies: [
                "MeerkatCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MeerkatService",
            dependencies: [
                "MeerkatCore", "MeerkatRuntime", "MeerkatProviders", "MeerkatSQLite", "MeerkatTools",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: library
        ),
        .target(
            name: "MeerkatServer",
            dependencies: [
                "MeerkatService",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: library
        ),
        .target(
            name: "MeerkatTesting",
            dependencies: [
                "MeerkatCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: library
        ),
        // The shipped CLI sees the service facade only (and its own frameworks); FacadeSealTests guards the imports.
        .executableTarget(
            name: "skat",
            dependencies: [
                "MeerkatService", "MeerkatServer",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: sealed
        ),
        // The mock provider and the demo: test doubles stay out of the shipped `skat`.
        .executableTarget(
            name: "MeerkatMock",
            dependencies: [
                "MeerkatService", "MeerkatTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: sealed
        ),
        .executableTarget(
            name: "MeerkatBench",
            dependencies: [
                "MeerkatCore", "MeerkatRuntime", "MeerkatTools", "MeerkatTesting", "MeerkatProviders", "MeerkatSQLite",
                "MeerkatService",
                "MeerkatServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeerkatRuntimeTests",
            dependencies: ["MeerkatRuntime", "MeerkatCore", "MeerkatTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeerkatServiceTests",
            dependencies: ["MeerkatService", "MeerkatCore", "MeerkatTesting", "MeerkatSQLite", "MeerkatTools"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeerkatSQLiteTests",
            dependencies: ["MeerkatSQLite", "MeerkatRuntime", "MeerkatCore", "MeerkatTesting"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SkatTests",
            dependencies: [
                "skat", "MeerkatMCPTestServer", "MeerkatCore", "MeerkatTesting", "MeerkatRuntime", "MeerkatSQLite",
                "MeerkatTools",
            ],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeerkatServerTests",
            dependencies: [
                "MeerkatServer", "MeerkatService", "MeerkatCore", "MeerkatRuntime", "MeerkatTesting", "MeerkatTools",
                "MeerkatSQLite",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "MeerkatCoreTests", dependencies: ["MeerkatCore", "MeerkatTesting"], swiftSettings: strict),
        .testTarget(
            name: "MeerkatToolsTests",
            dependencies: ["MeerkatTools", "MeerkatCore", "MeerkatTesting", "MeerkatMCPTestServer"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeerkatProvidersTests",
            dependencies: ["MeerkatProviders", "MeerkatCore", "MeerkatTesting", "MeerkatTools"],
            swiftSettings: strict
        ),
    ]
)
