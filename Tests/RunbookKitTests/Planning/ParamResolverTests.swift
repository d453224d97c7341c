import Foundation
import Testing
import RunbookCore
import TestSupport

@Suite struct ParamResolverTests {
    let runbook = TestRunbook.make("drain-node", params: [
        TestRunbook.param("node", required: true, pattern: "[a-z0-9.-]+", line: 3),
        TestRunbook.param("force", .bool, default: .bool(false), line: 4),
        TestRunbook.param("count", .int, line: 5),
        TestRunbook.param("nodes", .list, line: 6),
        TestRunbook.param("wait", .duration, line: 7),
        TestRunbook.param("mode", allowed: [.string("fast"), .string("safe")], line: 8),
        TestRunbook.param("password", required: true, secret: true, line: 9),
    ], steps: [TestRunbook.run("a", "true", line: 20)])

    @Test func parsesEachTypeAndAppliesDefaults() throws {
        let r = try ParamResolver(environment: ["RUNBOOK_SECRET_PASSWORD": "pw"]).resolve(runbook, assignments: [
            "node=n1.example.com", "count=3", "nodes=a,b", "wait=1m30s", "mode=safe",
        ])
        #expect(r.values == ["node": .string("n1.example.com"), "force": .bool(false), "count": .int(3),
                             "nodes": .list([.string("a"), .string("b")]), "wait": .string("1m30s"), "mode": .string("safe"),
                             "password": .string("pw")])
        #expect(r.secretNames == ["password"])
        let flow = try ParamResolver(environment: [:]).resolve(runbook, assignments: ["node=x", "password=p", "nodes=[c, d]"])
        #expect(flow.values["nodes"] == .list([.string("c"), .string("d")]))
    }

    @Test func aNULByteInAnyParamIsRefusedWithItsName() {
        do {
            _ = try ParamResolver(environment: [:]).resolve(runbook, assignments: ["node=n1", "password=p\u{0}", "nodes=a,b\u{0}c"])
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.map(\.message) == [
                "param 'nodes' contains a NUL byte, which no command can take",
                "param 'password' contains a NUL byte, which no command can take",
            ])
        }
    }

    @Test func reportsAllProblemsTogether() {
        do {
            _ = try ParamResolver(environment: [:]).resolve(runbook, assignments: [
                "nod=x", "force=yes", "count=three", "wait=10", "mode=quick", "password",
            ])
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.map(\.message) == [
                "--param 'password' must be name=value",
                "missing required param 'node'",
                "missing required param 'password'",
                "param 'count' must be an int, found 'three'",
                "param 'force' must be true or false, found 'yes'",
                "param 'mode': 'quick' is not one of the allowed values",
                "param 'wait' must be a duration such as 90s or 10m, found '10'",
                "unknown param 'nod' for runbook 'drain-node'",
            ])
            #expect(error.diagnostics.first { $0.message.hasPrefix("unknown") }?.hint == "did you mean 'node'?")
            #expect(error.diagnostics.first { $0.message.hasPrefix("param 'force'") }?.hint == "write true or false")
        }
    }

    @Test func secretValuesNeverAppearInMessages() {
        let rb = TestRunbook.make(params: [TestRunbook.param("token", pattern: "[a-f0-9]+", secret: true)], steps: [])
        do {
            _ = try ParamResolver(environment: [:]).resolve(rb, assignments: ["token=HUNTER2"])
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["param 'token': the given value does not match the pattern '[a-f0-9]+'"])
            #expect(!error.description.contains("HUNTER2"))
        }
    }

    @Test func paramsFileErrorsArePositioned() throws {
        let scratch = try Scratch(prefix: "params")
        defer { scratch.remove() }
        let file = try scratch.write("params.yaml", "node: n1\ncount: '3'\nforse: true\npassword: x\n")
        do {
            _ = try ParamResolver(environment: [:]).resolve(runbook, paramsFile: file)
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "\(file):2:8: error: param 'count' must be an int, found a quoted string",
                "\(file):3:1: error: unknown param 'forse' for runbook 'drain-node'",
            ])
        }
    }
}
