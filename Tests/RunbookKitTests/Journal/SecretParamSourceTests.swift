import Testing
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Secret param source")
struct SecretParamSourceTests {
    @Test("values come from RUNBOOK_SECRET_<NAME>, else the prompt; missing ones are all listed")
    func resolve() throws {
        #expect(SecretParamSource.environmentName(for: "db-password") == "RUNBOOK_SECRET_DB_PASSWORD")
        let source = SecretParamSource(environment: ["RUNBOOK_SECRET_DB_PASSWORD": "pw"],
                                       prompt: { $0 == "token" ? "t0k" : nil })
        #expect(try source.values(for: ["db-password", "token"]) == ["db-password": "pw", "token": "t0k"])
        let error = try #require(throws: DiagnosticError.self) { try source.values(for: ["a", "b"]) }
        #expect(error.diagnostics.map(\.message) == ["secret param 'a' has no value", "secret param 'b' has no value"])
        #expect(error.diagnostics.first?.hint == "set RUNBOOK_SECRET_A or run from a terminal to be asked")
    }
}
