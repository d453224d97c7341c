import Foundation
import Testing
import RunbookYAML
import RunbookCore
import RunbookEngine
import TestSupport

/// The quoting differential: hostile values × command contexts, each rendered command run by both
/// `bash -c` and `dash -c`. Every value must arrive as exactly its bytes in the word the author's text
/// makes (one word per whole-word expression), or the template must be refused by `validate`.
@Suite struct QuotingDifferentialTests {
    /// Prints its argument count, then each argument in `<…>`: the exact argv, whatever the bytes.
    static let dump = #"a() { printf '%s:' "$#"; for w in "$@"; do printf '<%s>' "$w"; done; }; "#

    static func argv(_ words: [String]) -> String {
        "\(words.count):" + words.map { "<\($0)>" }.joined()
    }

    /// A command with `${{ params.x }}` and the exact stdout it must print for a value.
    struct Context: CustomStringConvertible, Sendable {
        var name: String
        var command: String
        var expected: @Sendable (String) -> String
        var description: String { name }
    }

    /// Whole words: the empty value is no word at all (optional flags); anything else exactly one word.
    static func optional(_ v: String) -> String { argv(v.isEmpty ? [] : [v]) }

    static let accepted: [Context] = [
        Context(name: "whole word", command: "a ${{ params.x }}", expected: optional),
        Context(name: "two whole words", command: "a ${{ params.x }} ${{ params.x }}") { argv($0.isEmpty ? [] : [$0, $0]) },
        Context(name: "after a prefix", command: "a --opt=${{ params.x }}") { argv(["--opt=" + $0]) },
        Context(name: "before a suffix", command: "a ${{ params.x }}.conf") { argv([$0 + ".conf"]) },
        Context(name: "between double-quoted parts", command: #"a "p"${{ params.x }}"s""#) { argv(["p" + $0 + "s"]) },
        Context(name: "double-quoted", command: #"a "${{ params.x }}""#) { argv([$0]) },
        Context(name: "inside double-quoted text", command: #"a "pre ${{ params.x }} post""#) { argv(["pre \($0) post"]) },
        Context(name: "the whole of single quotes", command: "a '${{ params.x }}'") { argv([$0]) },
        Context(name: "in $(…)", command: #"a "$(printf '%s' ${{ params.x }}; printf .)""#) { argv([$0 + "."]) },
        Context(name: "double quotes in $(…) in double quotes", command: #"a "$(a "${{ params.x }}")""#) { argv([argv([$0])]) },
        Context(name: "in a subshell", command: "( a ${{ params.x }} )", expected: optional),
        Context(name: "in a brace group", command: "{ a ${{ params.x }}; }", expected: optional),
        Context(name: "after a pipe", command: "true | a ${{ params.x }}", expected: optional),
        Context(name: "in an if", command: "if a ${{ params.x }}; then :; fi", expected: optional),
        Context(name: "assignment", command: #"X=${{ params.x }}; a "$X""#) { argv([$0]) },
        Context(name: "for list", command: #"for w in ${{ params.x }}; do a "$w"; done"#) { $0.isEmpty ? "" : argv([$0]) },
        Context(name: "case word", command: #"case "${{ params.x }}" in *) a "${{ params.x }}";; esac"#) { argv([$0]) },
        Context(name: "after a tilde", command: "a ~${{ params.x }}") { argv(["~" + $0]) },
        Context(name: "before a redirection", command: "a ${{ params.x }}>&1", expected: optional),
        Context(name: "after a here-document", command: "cat <<'EOF'\n$(x) '\nEOF\na ${{ params.x }}") { "$(x) '\n" + optional($0) },
        Context(name: "after a comment", command: "# it's a note\na ${{ params.x }}", expected: optional),
    ]

    /// Templates `validate` must refuse, whatever the value.
    static let refused: [String] = [
        "a '-${{ params.x }}'",
        #"awk '{print "${{ params.x }}"}' /dev/null"#,
        "a `printf %s ${{ params.x }}`",
        "a ${X:-${{ params.x }}}",
        "a $((${{ params.x }}))",
        "cat <<EOF\n${{ params.x }}\nEOF",
        "cat <<'EOF'\n${{ params.x }}\nEOF",
        "a # ${{ params.x }}",
        #"a \${{ params.x }}"#,
        "a $${{ params.x }}",
        "a $'${{ params.x }}'",
    ]

    static let values: [String] = [
        "", " ", "  ", "\t", "\n", "a\nb", "\n\n", "trail\n", "\nlead", "a b", "x y; touch f #", "'", "''", "\"", "\"\"",
        "\\", "\\\\", "\\'", "\\\"", "'\\''", "$", "$$", "$HOME", "${HOME}", "$(touch f)", "`touch f`", "'$(touch f)'",
        "\"$(touch f)\"", "$((1+1))", "$'\\x41'", "$\"x\"", "*", "?", "[a]", "~", "~root", "{a,b}", "a,b", "!", "!!", "#", " #",
        "a#b", ";", "&", "&&", "|", "||", ">", "<", ">>f", "<(touch f)", "a;touch f", "a&&touch f", "a|touch f", ")", "(",
        "}", "{", "-n", "-e", "--", "-", "if", "fi", "done", "time", "A=b", "PATH=/nowhere", "2", "%s", "%%", "\\n",
        "EOF", "a\nEOF\ntouch f", "\u{1b}[31mred", "\r", "é", "日本語", "🦀", "'\"'\"'", "\"'\"'", "a'b c'd",
        String(repeating: "x'y\"z$`\\ ", count: 200),
    ]

    func render(_ command: String, _ value: String) throws -> String {
        let (template, problems) = TemplateParser.parse(command, at: SourceLocation(file: "t.yaml", line: 1, column: 1))
        try #require(problems.isEmpty)
        try #require(template.shellRefusals.isEmpty, "\(command) refused")
        return try TemplateRenderer().render(template, in: EvaluationContext(params: ["x": .string(value)]), mode: .shell).text
    }

    static func run(_ shell: String, _ command: String, in directory: URL) throws -> FinishedProcess {
        try ChildProcess.run(shell, ["-c", command], in: directory)
    }

    @Test func enoughValuesAndContexts() {
        #expect(Self.values.count >= 60)
        #expect(Self.accepted.count + Self.refused.count >= 12)
        #expect(Self.accepted.count >= 12)
    }

    @Test(arguments: accepted)
    func everyValueArrivesExactly(_ context: Context) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quoting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for value in Self.values {
            let command = try render(context.command, value)
            for shell in ["/bin/bash", "/bin/dash"] {
                let ran = try Self.run(shell, Self.dump + command, in: directory)
                #expect(ran.status == 0 && ran.stderr.isEmpty && ran.stdout == context.expected(value),
                        "\(shell) \(context.name) \(value.debugDescription): \(command.debugDescription) printed \(ran.stdout.debugDescription) \(ran.stderr.debugDescription)")
            }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left.isEmpty, "a value ran code: \(left)")
    }

    @Test(arguments: refused)
    func unsafePlacesAreRefused(_ command: String) throws {
        let (template, problems) = TemplateParser.parse(command, at: SourceLocation(file: "t.yaml", line: 1, column: 1))
        try #require(problems.isEmpty)
        #expect(template.shellRefusals.count == 1, "\(command)")
        for value in ["a", "$(touch f)"] {
            #expect(throws: Diagnostic.self) {
                try TemplateRenderer().render(template, in: EvaluationContext(params: ["x": .string(value)]), mode: .shell)
            }
        }
    }

    /// The three findings of issue 13, as runbooks through the real loader, run by both shells.
    @Test func issueExamples() throws {
        func load(_ run: String) throws(DiagnosticError) -> Template? {
            let yaml = "runbook: t\nparams:\n  x: { type: string }\nsteps:\n  - id: a\n    run: \(run)\n"
            let runbook = try RunbookLoader().load(bytes: Array(yaml.utf8), file: "t.yaml")
            if case .run(let t) = runbook.steps.first?.action { return t }
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quoting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (run, value) in [(#"echo "${{ params.x }}""#, "$(id)"), ("echo '${{ params.x }}'", "x y; touch f #")] {
            let template = try #require(try load(run))
            let command = try TemplateRenderer().render(template, in: EvaluationContext(params: ["x": .string(value)]), mode: .shell).text
            for shell in ["/bin/bash", "/bin/dash"] {
                let ran = try Self.run(shell, command, in: directory)
                #expect(ran.stdout == value + "\n" && ran.stderr.isEmpty && ran.status == 0, "\(shell) \(command)")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #expect(throws: DiagnosticError.self) { try load(#"awk '{print "${{ params.x }}"}'"#) }
        do {
            _ = try load(#"awk '{print "${{ params.x }}"}'"#)
        } catch {
            #expect(DiagnosticRenderer(colour: false).render(error.diagnostics) == """
                t.yaml:6:23: error: \(ShellRefusal.singleQuoted.message)
                  hint: \(ShellRefusal.singleQuoted.hint)
                1 error
                """)
        }
    }
}
