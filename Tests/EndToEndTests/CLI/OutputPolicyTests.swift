import Foundation
import Testing

/// One output policy for every subcommand: results on stdout, diagnostics and errors on stderr,
/// `--output` takes the same values everywhere (issue 10, item 5).
@Suite struct OutputPolicyTests {
    @Test func simErrorsGoToStderrNotStdout() throws {
        let scratch = try Scratch()
        let result = try CLI.run(["sim", "state", scratch.path("nothing-here")])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "error: \(scratch.path("nothing-here")): not a simulator directory (run `runbook sim init \(scratch.path("nothing-here"))`)\n")
    }

    @Test func simInitDiagnosticsGoToStderrWithExitTwo() throws {
        let scratch = try Scratch()
        let description = try scratch.write("cluster.yaml", "hosts: [1, 2\n")
        let result = try CLI.run(["sim", "init", scratch.path("sim"), "--cluster", description])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            \(description):2:1: error: invalid YAML: did not find expected ',' or ']'
            \(description):1:8: note: while parsing a flow sequence
            1 error

            """)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("sim/state.json")))
    }

    @Test func simStateRefusesAnUnknownOutputFormatLikeEveryCommand() throws {
        let scratch = try Scratch()
        for arguments in [["sim", "state", scratch.path("x"), "--output", "yaml"],
                          ["validate", "runbooks/drain-node.yaml", "--output", "yaml"],
                          ["plan", "runbooks/drain-node.yaml", "--output", "yaml"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stdout == "", "\(arguments)")
            #expect(result.stderr.contains("The value 'yaml' is invalid for '--output <output>'"), "\(arguments): \(result.stderr)")
        }
    }

    @Test func noColourWhenStderrIsNotATerminalEvenWithoutNO_COLOR() throws {
        let scratch = try Scratch()
        let file = try scratch.write("bad.yaml", "runbook: x\nsteps: [{id: a, run: true, rollbak: x}]\n")
        let result = try CLI.run(["validate", file], environment: ["NO_COLOR": ""])
        #expect(result.status == 2)
        #expect(!result.stderr.contains("\u{1B}["))
        #expect(result.stderr.contains("error: unknown key 'rollbak'"))
    }
}
