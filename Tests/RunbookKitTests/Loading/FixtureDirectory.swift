import Foundation

/// Where the committed fixtures live, found from this source file so tests run from any directory.
enum FixtureDirectory {
    static func url(_ kind: String, filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // Loading
            .deletingLastPathComponent()  // RunbookKitTests
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("Fixtures")
            .appendingPathComponent(kind)
    }

    /// The `.yaml` files of a fixture folder, by name.
    static func yamlFiles(_ kind: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url(kind).path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func bytes(_ kind: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(kind).appendingPathComponent(name)))
    }
}
