import Foundation
import Testing
import RunbookYAML
import RunbookCore

/// Each `Tests/Fixtures/invalid/NN-name.yaml` must fail to load with exactly the diagnostics in
/// `NN-name.expected` (rendered without colour). `RECORD_FIXTURES=1` rewrites the expected files
/// and then fails, so a recording never passes silently.
@Suite struct InvalidFixturesTests {
    static let names = FixtureDirectory.yamlFiles("invalid")
    static let recording = ProcessInfo.processInfo.environment["RECORD_FIXTURES"] == "1"

    @Test func thereAreEnoughFixtures() {
        #expect(Self.names.count >= 45)
    }

    @Test(arguments: names)
    func fixtureFailsWithExactDiagnostics(_ name: String) throws {
        let bytes = try FixtureDirectory.bytes("invalid", name)
        let actual: String
        do {
            let runbook = try RunbookLoader().load(bytes: bytes, file: name)
            Issue.record("\(name) loaded without errors (\(runbook.steps.count) steps); it should not")
            return
        } catch {
            actual = DiagnosticRenderer(colour: false).render(error.diagnostics) + "\n"
        }
        let expectedURL = FixtureDirectory.url("invalid")
            .appendingPathComponent(String(name.dropLast(".yaml".count)) + ".expected")
        if Self.recording {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            Issue.record("recorded \(expectedURL.lastPathComponent); run again without RECORD_FIXTURES=1")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "diagnostics of \(name) differ from \(expectedURL.lastPathComponent)")
    }
}
