import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `runbook test`: scenarios run in simulators of their own; a wrong expectation fails naming
/// it; JUnit XML parses; an invalid scenario is refused with positions.
@Suite struct ScenarioCLITests {
    static let fixtures = CLI.root.appendingPathComponent("Tests/Fixtures/scenarios")

    @Test func aWrongExpectationFailsAndNamesExpectedAndActual() throws {
        let scratch = try Scratch()
        let result = try CLI.run(["test", "wrong.test.yaml", "--junit", scratch.path("report.xml")], in: Self.fixtures,
                                 environment: ["TMPDIR": scratch.path])
        #expect(result.status == 1, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let first = lines.first ?? ""
        #expect(first.hasPrefix("FAIL a wrong expectation fails and names it (wrong.test.yaml, "), "\(first)")
        #expect(lines.dropFirst().first == "  - node node-1.example.com: expected schedulable false, got true")
        #expect(lines.last == "0 passed, 1 failed")
        let xml = try XMLDocument(contentsOf: URL(fileURLWithPath: scratch.path("report.xml")))
        let suite = try #require(xml.rootElement())
        #expect(suite.name == "testsuite")
        #expect(suite.attribute(forName: "tests")?.stringValue == "1")
        #expect(suite.attribute(forName: "failures")?.stringValue == "1")
        let failure = try #require(try suite.nodes(forXPath: "testcase/failure").first as? XMLElement)
        #expect(failure.attribute(forName: "message")?.stringValue == "node node-1.example.com: expected schedulable false, got true")
    }

    /// Every shipped scenario (the guide runbooks' and the tutorial's): `scripts/test` relies on
    /// this test to run them, so a failing scenario fails the suite with the runner's report.
    @Test func theShippedScenariosPassAndWriteValidJUnit() throws {
        let scratch = try Scratch()
        let result = try CLI.run(["test", "runbooks", "examples/custom", "--junit", scratch.path("report.xml")])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasSuffix(" passed, 0 failed\n"))
        let xml = try XMLDocument(contentsOf: URL(fileURLWithPath: scratch.path("report.xml")))
        #expect(xml.rootElement()?.attribute(forName: "failures")?.stringValue == "0")
        #expect((try xml.nodes(forXPath: "/testsuite/testcase").count) >= 3)
    }

    @Test func anInvalidScenarioIsRefusedWithPositions() throws {
        let scratch = try Scratch()
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("invalid.test.yaml.txt"), encoding: .utf8)
        let file = try scratch.write("invalid.test.yaml", text)
        let result = try CLI.run(["test", file])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            \(file):1:1: error: missing 'runbook' (the file to rehearse, relative to this file)
            \(file):2:1: error: unknown key 'runbok' in a scenario (did you mean 'runbook'?)
            \(file):4:9: error: 'exit' must be an integer, found a string
            \(file):6:9: error: unknown key 'nod' in a cluster check (did you mean 'node'?)
            4 errors

            """)
    }
}
