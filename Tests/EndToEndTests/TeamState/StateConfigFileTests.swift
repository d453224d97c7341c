import Foundation
import Testing
import TestSupport

/// `runbook.yaml` beside the runbooks or in the user's config directory names the state.
@Suite("runbook.yaml: the state location from a config file")
struct StateConfigFileTests {
    /// Published runs in a local state directory.
    static func runCount(_ state: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: state + "/runs")) ?? []).filter { !$0.hasPrefix(".") }.count
    }

    static func runbook(_ t: TeamDesk) throws -> String {
        _ = try t.desk("book")
        return try t.write("book/rb.yaml", """
            runbook: configured
            steps:
              - id: act
                run: "echo act >> \(t.path("ledger"))"
            """)
    }

    @Test("precedence: --state-dir > RUNBOOK_STATE > runbook.yaml beside the runbook > the user's runbook.yaml")
    func precedence() throws {
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try Self.runbook(t)
        _ = try t.desk("xdg/runbook")
        _ = try t.write("xdg/runbook/runbook.yaml", "state: user-state\n")
        let user = ["XDG_CONFIG_HOME": t.path("xdg")]
        let desk = try t.desk("w")

        #expect(try CLI.run(["run", file], in: desk, environment: user).status == 0)
        #expect(Self.runCount(t.path("xdg/runbook/user-state")) == 1, "the user's config, its path relative to it")

        _ = try t.write("book/runbook.yaml", "# the team's settings\nstate: beside-state\n")
        #expect(try CLI.run(["run", file], in: desk, environment: user).status == 0)
        #expect(Self.runCount(t.path("book/beside-state")) == 1, "the config beside the runbook wins over the user's")

        var environment = user
        environment["RUNBOOK_STATE"] = t.path("env-state")
        #expect(try CLI.run(["run", file], in: desk, environment: environment).status == 0)
        #expect(Self.runCount(t.path("env-state")) == 1, "RUNBOOK_STATE wins over both files")

        #expect(try CLI.run(["run", file, "--state-dir", t.path("flag-state")], in: desk, environment: environment).status == 0)
        #expect(Self.runCount(t.path("flag-state")) == 1, "the flag wins over everything")
        #expect(Self.runCount(t.path("book/beside-state")) == 1 && Self.runCount(t.path("xdg/runbook/user-state")) == 1)
        #expect(Self.runCount(desk.path + "/.runbook") == 0)

        // Without a runbook file, the config beside the runbooks is ./runbook.yaml.
        let runs = try CLI.run(["runs"], in: URL(fileURLWithPath: t.path("book")), environment: user)
        #expect(runs.status == 0, "\(runs.output)")
        #expect(runs.stdout.split(separator: "\n").count == 2 && runs.stdout.contains("configured"), "\(runs.stdout)")
        #expect(t.lines("ledger") == ["act", "act", "act", "act"])
    }

    @Test("unknown keys and bad values in runbook.yaml are errors at file:line:column, all of them; nothing runs")
    func unknownKeys() throws {
        let t = try TeamDesk()
        defer { t.remove() }
        let file = try Self.runbook(t)
        let config = try t.write("book/runbook.yaml", """
            state: somewhere
            stat: elsewhere
            lock-ttl: soon
            """)
        let run = try CLI.run(["run", file], in: try t.desk("w"), environment: ["XDG_CONFIG_HOME": t.path("xdg")])
        #expect(run.status == 2, "\(run.output)")
        let badStore = try t.write("other/runbook.yaml", "state: redis://10.0.0.1:6379/x\n")
        let other = try t.write("other/rb.yaml", "runbook: other\nsteps:\n  - id: s\n    run: \"true\"\n")
        let refused = try CLI.run(["run", other], in: try t.desk("w"), environment: ["XDG_CONFIG_HOME": t.path("xdg")])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(badStore):1:8: error: 'state': unknown state store 'redis://'"), "\(refused.stderr)")
        #expect(run.stderr.contains("\(config):2:1: error: unknown key 'stat' in runbook.yaml (did you mean 'state'?)"),
                "\(run.stderr)")
        #expect(run.stderr.contains("\(config):3:11: error: 'lock-ttl' must be a whole number of seconds, at least 1"),
                "\(run.stderr)")
        #expect(t.lines("ledger").isEmpty)
    }

    @Test("the user's runbook.yaml names a team store and its timeouts (~/.config/runbook without XDG_CONFIG_HOME)")
    func teamStoreFromUserConfig() throws {
        let t = try TeamDesk()
        defer { t.remove() }
        var taken = Set<UInt16>()
        let port = try TeamEtcd.freePort(avoiding: &taken)
        let url = "etcd://127.0.0.1:\(port)/team"
        _ = try t.desk("home/.config/runbook")
        _ = try t.write("home/.config/runbook/runbook.yaml", "state: \(url)\ndial-timeout: 1\ncommand-timeout: 1\n")
        let runs = try CLI.run(["runs"], in: try t.desk("w"), environment: ["HOME": t.path("home"), "XDG_CONFIG_HOME": ""])
        #expect(runs.status == 1, "\(runs.output)")
        #expect(runs.stderr.contains("error: cannot reach the state store \(url): "), "\(runs.stderr)")
    }
}
