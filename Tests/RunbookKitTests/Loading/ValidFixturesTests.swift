import Foundation
import Testing
import RunbookYAML
import RunbookCore

/// Every `Tests/Fixtures/valid/*.yaml` loads without a single diagnostic.
@Suite struct ValidFixturesTests {
    static let names = FixtureDirectory.yamlFiles("valid")

    @Test func thereAreValidFixtures() {
        #expect(Self.names.count >= 2)
    }

    @Test(arguments: names)
    func fixtureLoads(_ name: String) throws {
        let bytes = try FixtureDirectory.bytes("valid", name)
        do {
            let runbook = try RunbookLoader().load(bytes: bytes, file: name)
            #expect(!runbook.steps.isEmpty)
        } catch {
            Issue.record("\(name) should load:\n\(DiagnosticRenderer(colour: false).render(error.diagnostics))")
        }
    }
}
