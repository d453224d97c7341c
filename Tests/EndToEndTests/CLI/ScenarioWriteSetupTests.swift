import Foundation
import Testing
import TestSupport

/// A scenario's `setup: { on: HOST, write: PATH, content: TEXT }` (the restore-project rehearsals
/// put a backup on the simulated controller with it).
@Suite("Scenario setup: write")
struct ScenarioWriteSetupTests {
    @Test("bad write entries are refused with positions")
    func badWrites() throws {
        let scratch = try Scratch()
        let runbook = CLI.root.appendingPathComponent("runbooks/restore-project.yaml").path
        let bad = try scratch.write("bad.test.yaml", """
            scenario: bad write
            runbook: \(runbook)
            setup:
              - { on: localhost, write: backups/x.yaml, content: "a" }
              - { on: localhost, write: /backups/../x.yaml, content: "a" }
              - { on: localhost, write: /backups/x.yaml }
              - { on: localhost, write: /backups/x.yaml, contents: "a" }
            expect: { exit: 0 }

            """)
        let refused = try CLI.run(["test", bad])
        #expect(refused.status == 2)
        #expect(refused.stderr == """
            \(bad):4:29: error: 'write' must be an absolute path without '..'
            \(bad):5:29: error: 'write' must be an absolute path without '..'
            \(bad):6:5: error: a write setup needs 'on' (a host), 'write' (the file) and 'content'
            \(bad):7:5: error: a write setup needs 'on' (a host), 'write' (the file) and 'content'
            \(bad):7:46: error: unknown key 'contents' in a write setup (did you mean 'content'?)
            5 errors

            """)
    }
}
