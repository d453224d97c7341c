import ArgumentParser
import RunbookYAML
import RunbookEngine
import RunbookTerminal

/// `runbook audit RUN` and `runbook audit verify RUN`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show a run's audit trail, or verify its hash chain.",
        discussion: """
            Examples:
              runbook audit 20261127-205216-drain-node-1a2b
              runbook audit 20261127-205216-drain-node-1a2b --output json
              runbook audit verify 20261127-205216-drain-node-1a2b
            """,
        subcommands: [AuditShowCommand.self, AuditVerifyCommand.self],
        defaultSubcommand: AuditShowCommand.self)
}

/// `runbook audit [show] RUN`: the timeline.
struct AuditShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a run's timeline: time, operator, event, step@host, command, exit, duration.",
        discussion: "With --output json, prints the journal records as a JSON array, exactly as journaled.")

    @OptionGroup var state: StateDirectoryOptions
    @Option(help: "text (a table), json (the journal records) or markdown (for a change ticket).")
    var output: OutputFormat = .text
    @Argument(help: "The run: id, id prefix or directory.")
    var run: String

    func run() async throws {
        try reportingFailures {
            let directory = try state.openRun(run)
            let contents = try JournalReader.read(directory.journalPath, displayName: directory.journalPath)
            switch output {
            case .text:
                print(AuditTimeline().render(contents.records))
                for note in contents.notes { print(DiagnosticRenderer(colour: false).render(note)) }
            case .markdown:
                let report = try AuditVerifier.verify(directory.journalPath, displayName: directory.journalPath)
                let chain: Result<String, AuditChainProblem> = report.problem.map { .failure(AuditChainProblem(message: $0.description)) }
                    ?? .success(report.lastHash)
                print(AuditMarkdownRenderer().render(contents.records, chain: chain), terminator: "")
            case .json:
                let lines = contents.records.map { String(decoding: JournalLineEncoder.encode($0), as: UTF8.self) }
                print("[\n" + lines.joined(separator: ",\n") + "\n]")
            }
        }
    }
}

/// `runbook audit verify RUN`: checks the hash chain (exit 0 intact, 1 broken).
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a run's journal: versions, sequence numbers, run id and SHA-256 chain.",
        discussion: """
            Exits 0 when the chain is intact, 1 when it is broken (the first bad line is
            named), 2 when the run cannot be found. A torn last line is a crash, not
            tampering: it is reported as a note. Prints the hash of the last line, to
            compare with a copy kept elsewhere (--audit-log).

            Example:
              runbook audit verify 20261127-205216-drain-node-1a2b
            """)

    @OptionGroup var state: StateDirectoryOptions
    @Argument(help: "The run: id, id prefix or directory.")
    var run: String

    func run() async throws {
        var intact = true
        try reportingFailures {
            let directory = try state.openRun(run)
            let report = try AuditVerifier.verify(directory.journalPath, displayName: directory.journalPath)
            let renderer = DiagnosticRenderer(colour: false)
            for note in report.notes { print(renderer.render(note)) }
            if let problem = report.problem {
                print(renderer.render(problem))
                intact = false
            } else {
                print("ok: \(report.verifiedLines) lines, chain intact, last line sha256 \(report.lastHash)")
            }
        }
        if !intact { throw ExitCode(1) }
    }
}
