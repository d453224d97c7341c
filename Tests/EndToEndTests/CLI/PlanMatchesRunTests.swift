import Foundation
import Testing

/// "`runbook plan` prints commands exactly as they would run": examples/custom/tidy-logs.yaml is planned
/// and then run on a temporary directory whose name needs quoting; every command the run executed
/// (its JSON events and its journal) equals the planned one byte for byte.
@Suite struct PlanMatchesRunTests {
    /// Step id -> command, from the JSON event lines of `run --output json` or a journal.
    static func executedCommands(_ jsonLines: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in jsonLines.split(separator: "\n") {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            // Progress events and journal lines both name their type `event` (one encoder).
            guard event["event"] as? String == "attemptStarted", let step = event["step"] as? String,
                  let command = event["command"] as? String else { continue }
            if let earlier = out[step] { #expect(earlier == command, "step \(step) ran two different commands") }
            out[step] = command
        }
        return out
    }

    @Test func everyPlannedCommandIsTheCommandThatRuns() throws {
        let scratch = try Scratch()
        let logs = scratch.url.appendingPathComponent("it's logs $(date)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try "old\n".write(to: logs.appendingPathComponent("old.log"), atomically: true, encoding: .utf8)
        try "new\n".write(to: logs.appendingPathComponent("new.log"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -20 * 86_400)],
                                              ofItemAtPath: logs.appendingPathComponent("old.log").path)
        let arguments = ["examples/custom/tidy-logs.yaml", "--param", "dir=\(logs.path)", "--param", "older_than_days=7"]

        let planJSON = try CLI.run(["plan"] + arguments + ["--output", "json"])
        #expect(planJSON.status == 0, "\(planJSON)")
        let planned = try PlanCLITests.commands(planJSON.stdout)
        #expect(planned.keys.sorted() == ["count", "dir-exists", "make-archive-dir", "move-old-logs"])
        let quoted = "'" + logs.path.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        #expect(planned["move-old-logs"] == "find \(quoted) -maxdepth 1 -type f -name '*.log' -mtime +7 -exec mv {} \(quoted)/archive/ ';'")

        // The text plan shows the same bytes after `$ `.
        let planText = try CLI.run(["plan"] + arguments)
        #expect(planText.status == 0)
        for (step, command) in planned {
            #expect(planText.stdout.contains("    $ \(command)\n"), "text plan of \(step) does not show \(command)")
        }

        let run = try CLI.run(["run"] + arguments + ["--output", "json", "--state-dir", scratch.path("state")])
        #expect(run.status == 0, "\(run)")
        #expect(try Self.executedCommands(run.stdout) == planned)

        // The journal records the same commands.
        let runs = try FileManager.default.contentsOfDirectory(atPath: scratch.path("state/runs"))
        #expect(runs.count == 1)
        let journal = try String(contentsOfFile: scratch.path("state/runs/\(runs[0])/journal.jsonl"), encoding: .utf8)
        #expect(try Self.executedCommands(journal) == planned)

        // And they did what they say: only the old file moved, inside the given directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted() == ["archive", "new.log"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: logs.appendingPathComponent("archive").path) == ["old.log"])
    }
}
