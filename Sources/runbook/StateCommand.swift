import ArgumentParser
import Foundation
import RunbookEngine

/// `runbook state`: moving runs between state backends.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Move runs between state backends.",
        subcommands: [StateCopyCommand.self])
}

/// `runbook state copy FROM TO`.
struct StateCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy runs from one state backend to another, verifying each run's chain on both sides.",
        discussion: """
            FROM and TO are state locations as --state takes them: a directory or
            etcd://HOST:PORT[,HOST:PORT…]/PREFIX (the TLS flags apply to either).

            Examples:
              runbook state copy .runbook etcd://10.0.0.11:2379/runbook
              runbook state copy etcd://10.0.0.11:2379/runbook /srv/archive --run 20261201-0300
            """)

    @Argument(help: "Where the runs are.")
    var from: String

    @Argument(help: "Where to copy them.")
    var to: String

    @Option(name: .customLong("run"), help: ArgumentHelp("Copy only this run (id or prefix; repeatable).", valueName: "id"))
    var runs: [String] = []

    @OptionGroup var connection: StateDirectoryOptions

    func run() async throws {
        try reportingFailures {
            guard connection.state == nil, connection.stateDirectory == nil else {
                throw CLIFailure(.error("state copy takes FROM and TO, not --state or --state-dir", at: nil), code: 2)
            }
            let source = try connection.backend(for: from)
            let target = try connection.backend(for: to)
            let scratch = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let workingSource: any StateBackend
            if case .etcd(let config) = source.location {
                workingSource = EtcdStateBackend(config: config, workingCopy: "\(scratch)/from")
            } else {
                workingSource = source
            }
            do {
                try workingSource.pull(run: nil)
            } catch {
                throw CLIFailure(.error("cannot read the runs of \(source.location): \(error)", at: nil), code: 1)
            }
            let outcome = StateCopy.copy(from: workingSource, to: target, only: runs.isEmpty ? nil : runs,
                                         scratch: "\(scratch)/to")
            for id in outcome.copied { print("copied \(id) to \(target.location) (verified)") }
            CLIOutput.printDiagnostics(outcome.problems)
            if !outcome.problems.isEmpty { throw CLIFailure(.error("\(outcome.problems.count) run(s) not copied", at: nil), code: 1) }
            if outcome.copied.isEmpty { print("no runs to copy in \(source.location)") }
        }
    }

    static func temporaryDirectory() throws -> String {
        var template = Array("\(NSTemporaryDirectory())/runbook-state-copy-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CLIFailure(.error("cannot create a temporary directory", at: nil), code: 1)
        }
        return String(cString: made)
    }
}
