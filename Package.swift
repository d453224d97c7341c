// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "runbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "runbook", targets: ["runbook"]),
        .executable(name: "runbook-sim", targets: ["runbook-sim"]),
        .library(name: "RunbookKit", targets: ["RunbookKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "RunbookKit",
            dependencies: [
                "CYAML",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SimulatorKit",
            dependencies: ["RunbookKit"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "runbook",
            dependencies: [
                "RunbookKit",
                "SimulatorKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "runbook-sim",
            dependencies: ["SimulatorKit"],
            swiftSettings: strict
        ),
        .target(
            name: "TestSupport",
            dependencies: ["RunbookKit"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RunbookKitTests",
            dependencies: ["RunbookKit", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SimulatorKitTests",
            dependencies: ["SimulatorKit", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["RunbookKit", "TestSupport"],
            swiftSettings: strict
        ),
    ]
)
