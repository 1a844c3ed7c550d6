// swift-tools-version:6.1
import PackageDescription

/// Every target: Swift 6 mode, imports internal unless re-exported on purpose, `any` spelled out.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "haptik-mock",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "haptik-mock", targets: ["haptik-mock"]),
        .library(name: "HaptikMockTesting", targets: ["HaptikMockTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibevent",
            pkgConfig: "libevent_core",
            providers: [.apt(["libevent-dev"])]
        ),
        .target(name: "EventLoop", dependencies: ["CLibevent"], swiftSettings: strictSettings),
        .target(name: "HTTP1", swiftSettings: strictSettings),
        .target(name: "Multipart", swiftSettings: strictSettings),
        .target(
            name: "Haptik",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HaptikServer",
            dependencies: [
                "EventLoop", "HTTP1", "Multipart", "Haptik",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HaptikMockTesting",
            dependencies: ["HaptikServer", "Haptik", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "haptik-mock",
            dependencies: [
                "HaptikServer", "Haptik",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HaptikTestSupport",
            dependencies: [
                "HTTP1", "Multipart", "Haptik", "HaptikServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/HaptikTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HTTP1Tests",
            dependencies: ["HTTP1", "HaptikTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MultipartTests",
            dependencies: ["Multipart", "HaptikTestSupport"],
            resources: [.copy("Captures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HaptikTests",
            dependencies: ["Haptik", "HaptikTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HaptikServerTests",
            dependencies: ["HaptikServer", "HaptikTestSupport", "haptik-mock", "HaptikMockTesting"],
            swiftSettings: strictSettings
        ),
    ]
)
