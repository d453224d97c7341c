import Foundation
import Testing
import TestSupport

/// In `--sim`, the machine running `runbook` is simulated too: steps without `on` and `fetch`
/// destinations go to the simulated controller (`DIR/hosts/localhost/root`), sandboxed.
@Suite("simulated controller (binary)")
struct ControllerRehearsalTests {
    @Test("a local step and a fetch leave the real paths untouched; the files appear in the controller's tree")
    func localStepsStayInTheSimulator() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let sim = s.path("sim")
        #expect(try CLI.run(["sim", "init", sim]).status == 0)
        let real = s.path("real")
        let file = try s.write("local.yaml", """
            runbook: local
            steps:
              - id: fetch-absolute
                on: master-0.example.com
                fetch: { from: /etc/origin/master/master-config.yaml, to: \(real)/master-config.yaml }
              - id: fetch-relative
                on: master-0.example.com
                fetch: { from: /etc/origin/master/master-config.yaml, to: backups/master-0/master-config.yaml }
              - id: local-write
                run: |
                  echo local > backups/marker
                  mkdir -p \(real) && echo local > \(real)/marker
            """)
        let outcome = try await s.runbook(["run", file, "--sim", sim])
        #expect(outcome.status == 0, "\(outcome.output)")
        // Nothing on the real machine.
        #expect(!FileManager.default.fileExists(atPath: real), "the rehearsal wrote the real \(real)")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(!FileManager.default.fileExists(atPath: cwd + "/backups/master-0"), "the rehearsal wrote the real ./backups")
        // Everything in the simulated controller.
        let controller = "\(sim)/hosts/localhost/root"
        let original = FileManager.default.contents(atPath: "\(sim)/hosts/master-0.example.com/root/etc/origin/master/master-config.yaml")
        #expect(original != nil)
        #expect(FileManager.default.contents(atPath: controller + real + "/master-config.yaml") == original)
        #expect(FileManager.default.contents(atPath: controller + "/backups/master-0/master-config.yaml") == original)
        #expect((try? String(contentsOfFile: controller + "/backups/marker", encoding: .utf8)) == "local\n")
        #expect((try? String(contentsOfFile: controller + real + "/marker", encoding: .utf8)) == "local\n")
    }

    @Test("openssl enc -pbkdf2 works on the controller and is refused on a cluster host (RHEL 7's OpenSSL 1.0.2k)")
    func opensslEnc() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let sim = s.path("sim")
        #expect(try CLI.run(["sim", "init", sim]).status == 0)
        let file = try s.write("enc.yaml", """
            runbook: enc
            steps:
              - id: controller
                run: |
                  printf secret-data > /tmp/plain
                  openssl enc -aes-256-cbc -pbkdf2 -salt -pass pass:pw -in /tmp/plain -out /tmp/plain.enc
                  openssl enc -d -aes-256-cbc -pbkdf2 -pass pass:pw -in /tmp/plain.enc
              - id: host
                on: master-0.example.com
                run: printf x | openssl enc -aes-256-cbc -pbkdf2 -pass pass:pw
                on_failure: stop
            """)
        let outcome = try await s.runbook(["run", file, "--sim", sim, "--output", "json"])
        #expect(outcome.status == 1, "\(outcome.output)")
        #expect(outcome.output.contains("secret-data"))
        #expect(outcome.output.contains("unknown option '-pbkdf2'"))
    }
}
