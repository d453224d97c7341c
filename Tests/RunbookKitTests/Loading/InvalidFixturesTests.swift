import Foundation
import Testing
import RunbookYAML
import RunbookCore
import TestSupport

/// Each `Tests/Fixtures/invalid/NN-name.yaml` must fail to load with exactly the diagnostics in
/// `NN-name.expected` (rendered without colour). `RUNBOOK_RECORD_GOLDEN=1` rewrites the expected
/// files and then fails, so a recording never passes silently (see `Golden` in TestSupport).
@Suite struct InvalidFixturesTests {
    static let names = FixtureDirectory.yamlFiles("invalid")

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
        try Golden.check(actual, file: expectedURL)
    }
}
