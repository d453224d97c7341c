import Foundation
import RunbookCore
import Testing
import TestSupport

/// An `edit` change that matches nothing means the file is not what the author expected: the
/// step fails before anything is written, unless the change is marked `optional: true`.
@Suite("edits that match nothing")
struct UnmatchedEditTests {
    static let haproxy = "backend mgmt8443\n    server master-0 10.0.0.1:8443 check\n    server master-1 10.0.0.2:8443 check\n"

    @Test("the editor reports which changes matched nothing")
    func editorReportsUnmatched() throws {
        let result = try FileEditor.applyReporting([
            .deleteLines(matching: "^\\s*server\\s+master-1\\s"),
            .deleteLines(matching: "^\\s*server\\s+\\S+\\s+10\\.0\\.0\\.2:8443"),
            .replace(pattern: "mgmt9999", with: "x"),
            .ensureLine("  balance source", after: "^frontend"),
            .ensureLine("backend mgmt8443", after: "^nothing"),
            .setKey(key: "K", value: "V"),
        ], to: Self.haproxy)
        #expect(result.unmatched == [1, 2, 3])
        #expect(result.content == "backend mgmt8443\n    server master-0 10.0.0.1:8443 check\n  balance source\nK=V\n")
    }

    @Test("the step fails and the file keeps its bytes; an optional change may match nothing")
    func engineRefusesUnmatched() async throws {
        let h = try EngineHarness()
        try Self.haproxy.write(toFile: h.path("haproxy.cfg"), atomically: true, encoding: .utf8)
        let strict = Runbook.test([
            .test("remove", .file(.edit(path: .test(h.path("haproxy.cfg")), edits: [
                .deleteLines(matching: .test("^\\s*server\\s+master-1\\s")),
                .deleteLines(matching: .test("^\\s*server\\s+master-9\\s")),
            ]))),
        ])
        let failed = await h.engine(strict).run()
        #expect([.rolledBack, .failed].contains(failed.status))
        #expect(failed.reason == "edit: \(h.path("haproxy.cfg")): delete lines matching /^\\s*server\\s+master-9\\s/ matched nothing (mark the change `optional: true` when that is expected)")
        #expect(h.read("haproxy.cfg") == Self.haproxy)

        let lenient = Runbook.test([
            .test("remove", .file(.edit(path: .test(h.path("haproxy.cfg")), edits: [
                .deleteLines(matching: .test("^\\s*server\\s+master-1\\s")),
                .deleteLines(matching: .test("^\\s*server\\s+master-9\\s")),
            ], optional: [1]))),
        ])
        let done = await h.engine(lenient).run()
        #expect(done.status == .succeeded)
        #expect(h.read("haproxy.cfg") == "backend mgmt8443\n    server master-0 10.0.0.1:8443 check\n")
    }

    @Test("the loader reads `optional: true` next to a change, and refuses it alone")
    func loaderReadsOptional() throws {
        let text = """
            runbook: t
            steps:
              - id: s
                edit:
                  path: /etc/x
                  changes:
                    - delete_lines: '^a'
                    - delete_lines: '^b'
                      optional: true

            """
        let runbook = try RunbookLoader().load(bytes: Array(text.utf8), file: "t.yaml")
        guard case .file(.edit(_, let edits, let optional)) = runbook.steps.first?.action else {
            Issue.record("expected an edit")
            return
        }
        #expect(edits.count == 2)
        #expect(optional == [1])
        do {
            _ = try RunbookLoader().load(bytes: Array("runbook: t\nsteps:\n  - id: s\n    edit:\n      path: /x\n      changes:\n        - optional: true\n".utf8),
                                         file: "t.yaml")
            Issue.record("a change with only `optional` was accepted")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["empty edit change"])
        }
    }
}
