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
        abstract: "Check a run: its journal's SHA-256 chain and seal, its setup files and output files.",
        discussion: """
            Checks the journal (versions, sequence numbers, run id, SHA-256 chain; an empty
            or missing journal is not intact), its seal (the journal was not cut short after
            the run last ended), the files the run was set up with (run.json, params.json,
            inventory.json, invocation.json, the pinned runbooks) and every output file
            against the digests the journal records. Exits 0 when all is intact, 1 when
            something is not (every problem is named), 2 when the run cannot be found. A
            torn last line is a crash, not tampering: it is reported as a note. Prints the
            hash of the last line, to compare with a copy kept elsewhere (--audit-log).

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
            let report = try RunVerifier(directory).verify()
            let renderer = DiagnosticRenderer(colour: false)
            for note in report.notes { print(renderer.render(note)) }
            for problem in report.problems { print(renderer.render(problem)) }
            intact = report.isIntact
            if intact, let chain = report.chain {
                let sealed = report.sealedLines.map { "sealed at line \($0)" } ?? "not sealed (never ended)"
                print("ok: \(chain.verifiedLines) lines, chain intact, last line sha256 \(chain.lastHash); "
                    + "\(report.setupFiles) setup files and \(report.outputFiles) output files match; "
                    + (report.keptElsewhere.isEmpty ? "" : "\(report.keptElsewhere.count) kept on other machines not checked here; ")
                    + sealed)
            }
        }
        if !intact { throw ExitCode(1) }
    }
}
