import Foundation
import Testing

/// `runbook graph` and `runbook list` on Tests/Fixtures/cli, compared exactly.
@Suite struct GraphAndListTests {
    static let fixtures = CLI.root.appendingPathComponent("Tests/Fixtures/cli")

    @Test func mermaid() throws {
        let result = try CLI.run(["graph", "small.yaml"], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
            flowchart TD
                s_config_ok("config-ok: check — The configuration parses")
                s_restart_api["restart-api: run — Restart the API"]
                s_restart_controllers["restart-controllers: run — Restart the controllers"]
                s_healthy("healthy: wait")
                s_config_ok --> s_restart_api
                s_config_ok --> s_restart_controllers
                s_restart_api --> s_healthy
                s_restart_controllers --> s_healthy

            """)
    }

    @Test func dot() throws {
        let result = try CLI.run(["graph", "small.yaml", "--format", "dot"], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == #"""
            digraph "small" {
                rankdir=TB;
                "config-ok" [label="config-ok: check\nThe configuration parses", shape=ellipse];
                "restart-api" [label="restart-api: run\nRestart the API", shape=box];
                "restart-controllers" [label="restart-controllers: run\nRestart the controllers", shape=box];
                "healthy" [label="healthy: wait", shape=ellipse];
                "config-ok" -> "restart-api";
                "config-ok" -> "restart-controllers";
                "restart-api" -> "healthy";
                "restart-controllers" -> "healthy";
            }

            """#)
    }

    @Test func graphOfAnInvalidRunbookExitsTwo() throws {
        let result = try CLI.run(["graph", "missing.yaml"], in: Self.fixtures)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == "error: cannot read 'missing.yaml': No such file or directory\n1 error\n")
    }

    @Test func listADirectory() throws {
        let result = try CLI.run(["list", "."], in: Self.fixtures)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
            needs-params
                file: ./needs-params.yaml
                --param node  (string, required)
                --param replicas  (int, required)
                --param reason  (string, required)
            small — Restart two services after a config check
                file: ./small.yaml
                source: Day 2 Operations Guide 3.3
                --param host  (string, required) Where the services run.
                --param services  (list, default [api, controllers])

            """)
    }

    @Test func listRunbooksNamesEveryRunbook() throws {
        let result = try CLI.run(["list", "runbooks/"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let names = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { String($0.split(separator: " ")[0]) }
        #expect(names == ["backup-etcd", "backup-master-host", "change-docker-storage-backend", "decommission-master",
                          "decommission-node", "docker-registries-config", "drain-node",
                          "grow-docker-storage", "replace-etcd-host", "uncordon-node"])
        #expect(result.stdout.contains("""
            drain-node — Drain a node before maintenance
                file: runbooks/drain-node.yaml
                source: Day 2 Operations Guide 7.1.1, 5.3.1
                --param node  (string, required) The node to drain (its name in `oc get nodes`).
            """))
    }
}
