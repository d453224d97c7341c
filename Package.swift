// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "runbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "runbook", targets: ["runbook"]),
        .executable(name: "runbook-sim", targets: ["runbook-sim"]),
        .library(name: "RunbookCore", targets: ["RunbookCore"]),
        .library(name: "RunbookEngine", targets: ["RunbookEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    // The arrows of the pipeline, held by the compiler (docs/design.md has the picture):
    // RunbookYAML <- RunbookCore <- RunbookEngine <- RunbookTerminal <- runbook
    //                RunbookCore <- SimulatorKit  <- runbook-sim, runbook
    //                RunbookEngine, SimulatorKit <- RunbookScenarios <- runbook
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Text to positioned nodes, and the diagnostics every stage reports with.
        .target(name: "RunbookYAML", dependencies: ["CYAML"], swiftSettings: strict),
        // Model, loading, expressions, inventory, planning, the one step resolver, the
        // transport protocol: everything `validate` and `plan` need, and nothing that runs.
        .target(name: "RunbookCore", dependencies: ["RunbookYAML"], swiftSettings: strict),
        // posix_spawn with a new session, pipes, pidfd and epoll for the engine's process layer
        // (Transports/Process): calls Swift's Glibc module does not import.
        .target(name: "CProcess"),
        // Execution, transports (local, ssh), journal, session: what `run` and `resume` add.
        .target(
            name: "RunbookEngine",
            dependencies: [
                "RunbookCore",
                "CProcess",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Presentation at the edge: progress views, prompts, signal watching, tables, timelines.
        .target(name: "RunbookTerminal", dependencies: ["RunbookEngine"], swiftSettings: strict),
        // The simulated OpenShift 3.11 cluster: its state, host trees, tools and transport.
        .target(name: "SimulatorKit", dependencies: ["RunbookCore"], swiftSettings: strict),
        // `runbook test`: rehearsal scenarios (YAML) run in simulators of their own.
        .target(name: "RunbookScenarios", dependencies: ["RunbookEngine", "SimulatorKit"], swiftSettings: strict),
        .executableTarget(
            name: "runbook",
            dependencies: [
                "RunbookCore",
                "RunbookEngine",
                "RunbookTerminal",
                "RunbookScenarios",
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
            dependencies: ["RunbookYAML", "RunbookCore", "RunbookEngine"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RunbookKitTests",
            dependencies: ["RunbookYAML", "RunbookCore", "RunbookEngine", "RunbookTerminal", "SimulatorKit", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SimulatorKitTests",
            dependencies: ["SimulatorKit", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["RunbookYAML", "RunbookCore", "RunbookEngine", "SimulatorKit", "TestSupport"],
            swiftSettings: strict
        ),
    ]
)
