import Testing
import RunbookYAML
import RunbookCore

/// The shell context the scanner finds for each `${{ }}` of a command, and the diagnostics of the refused ones.
@Suite struct ShellContextTests {
    static func contexts(_ command: String) -> [ShellContext] {
        let (template, problems) = TemplateParser.parse(command, at: SourceLocation(file: "t.yaml", line: 1, column: 1))
        #expect(problems.isEmpty)
        return template.shellContexts
    }

    static let whole = ShellContext.unquoted(wholeWord: true, forceQuotes: false)
    static let part = ShellContext.unquoted(wholeWord: false, forceQuotes: false)

    @Test(arguments: [
        ("echo ${{ params.x }}", [whole]),
        ("echo ${{ params.x }} ${{ params.y }}", [whole, whole]),
        ("echo --name=${{ params.x }}", [part]),
        ("echo ${{ params.x }}.conf;echo", [part]),
        ("echo ${{ params.x }}${{ params.y }}", [part, part]),
        ("echo ${{ params.x }}>&2", [ShellContext.unquoted(wholeWord: true, forceQuotes: true)]),
        ("echo ~${{ params.x }}", [ShellContext.unquoted(wholeWord: false, forceQuotes: true)]),
        ("echo {a,${{ params.x }}}", [ShellContext.unquoted(wholeWord: false, forceQuotes: true)]),
        ("echo \"${{ params.x }}\"", [.doubleQuoted]),
        ("echo \"a ${{ params.x }} b\" ${{ params.y }}", [.doubleQuoted, whole]),
        ("echo '${{ params.x }}'", [.singleQuotedWhole]),
        ("echo \"$(printf %s \"${{ params.x }}\")\" ${{ params.y }}", [.doubleQuoted, whole]),
        ("x=$(echo ${{ params.x }}) && ( echo ${{ params.y }} )", [whole, whole]),
        ("echo 'it''s' \"q\\\"\" ${{ params.x }}", [whole]),
        ("echo a#b ${{ params.x }}", [whole]),
        ("# note\necho ${{ params.x }}", [whole]),
        ("cat <<'EOF'\n$(not code) '\nEOF\necho ${{ params.x }}", [whole]),
        ("cat <<-EOF\n\tbody\n\tEOF\necho ${{ params.x }}", [whole]),
        ("cat <<<${{ params.x }}", [whole]),
        ("echo $((1 + 2)) ${x:-'}'} `echo '` ${{ params.x }}", [whole]),
        ("case a in a) echo ${{ params.x }};; esac", [whole]),
    ] as [(String, [ShellContext])])
    func placesExpressions(_ command: String, _ expected: [ShellContext]) {
        #expect(Self.contexts(command) == expected, "\(command)")
    }

    @Test(arguments: [
        ("echo 'a ${{ params.x }}'", ShellRefusal.singleQuoted),
        ("echo '${{ params.x }} b'", .singleQuoted),
        ("echo '${{ params.x }}${{ params.y }}'", .singleQuoted),
        ("awk '{print \"${{ params.x }}\"}'", .singleQuoted),
        ("echo `echo ${{ params.x }}`", .backticks),
        ("echo \"`echo ${{ params.x }}`\"", .backticks),
        ("echo $'${{ params.x }}'", .ansiCQuoted),
        ("echo ${X:-${{ params.x }}}", .parameterExpansion),
        ("echo \"${X:-${{ params.x }}}\"", .parameterExpansion),
        ("echo $((1 + ${{ params.x }}))", .arithmetic),
        ("cat <<EOF\n${{ params.x }}\nEOF", .hereDocument),
        ("cat <<'EOF'\nv=${{ params.x }}\nEOF", .hereDocument),
        ("cat <<${{ params.x }}\nEOF", .hereDocumentDelimiter),
        ("true # ${{ params.x }}", .comment),
        ("echo \\${{ params.x }}", .afterBackslash),
        ("echo \"\\${{ params.x }}\"", .afterBackslash),
        ("echo $${{ params.x }}", .afterDollar),
        ("echo \"$${{ params.x }}\"", .afterDollar),
        ("x=$(case a in a) echo;; esac); echo ${{ params.x }}", .afterCaseInSubstitution),
        ("echo $'a\\'b' ${{ params.x }}", .afterUnclearQuoting),
        ("echo \"${X:-'}\" ${{ params.x }}", .afterUnclearQuoting),
    ] as [(String, ShellRefusal)])
    func refusesUnsafePlaces(_ command: String, _ why: ShellRefusal) {
        let contexts = Self.contexts(command)
        #expect(contexts.contains(.refused(why)), "\(command): \(contexts)")
    }

    @Test func refusalIsPositionedAtTheExpression() {
        let (template, _) = TemplateParser.parse("ls; awk '{print \"${{ params.x }}\"}'", at: SourceLocation(file: "r.yaml", line: 4, column: 10))
        let ds = template.shellRefusals
        #expect(ds.map(\.description) == [
            "r.yaml:4:27: error: an expression inside single quotes ('…') cannot be made safe: the value would become part of the quoted text, which a program such as awk, sed or sh -c reads as code",
        ])
        #expect(ds.first?.hint == "write the expression outside quotes: runbook quotes values itself; for an awk or sed program pass the value as -v var=${{ … }} or an environment variable (X=${{ … }} sh -c '… \"$X\" …')")
    }

    @Test func rendererThrowsTheSameRefusal() {
        let (template, _) = TemplateParser.parse("echo `id ${{ params.x }}`", at: SourceLocation(file: "r.yaml", line: 1, column: 1))
        #expect(throws: ShellRefusal.backticks.diagnostic(at: SourceLocation(file: "r.yaml", line: 1, column: 10))) {
            try TemplateRenderer().render(template, in: EvaluationContext(params: ["x": .string("a")]), mode: .shell)
        }
    }

    @Test func renderingPerContext() throws {
        func render(_ command: String, _ x: Value) throws -> String {
            let (template, _) = TemplateParser.parse(command, at: SourceLocation(file: "r.yaml", line: 1, column: 1))
            return try TemplateRenderer().render(template, in: EvaluationContext(params: ["x": x]), mode: .shell).text
        }
        #expect(try render(#"echo "a ${{ params.x }} b""#, .string("$(id)")) == #"echo "a "'$(id)'" b""#)
        #expect(try render(#"echo "a ${{ params.x }} b""#, .string("node1")) == #"echo "a node1 b""#)
        #expect(try render(#"echo "${{ params.x }}""#, .list([.string("a"), .string("b c")])) == #"echo ""'a b c'"""#)
        #expect(try render("echo '${{ params.x }}'", .string("it's")) == #"echo 'it'\''s'"#)
        #expect(try render("echo ${{ params.x }} --x=${{ params.x }}", .string("")) == "echo  --x=''")
        #expect(try render("echo ~${{ params.x }} ~${{ 'root' }}", .string("root")) == "echo ~'root' ~'root'")
        #expect(try render("echo ${{ params.x }}>&2", .int(2)) == "echo '2'>&2")
    }

    @Test func plainWordsThatShellsReadAsSyntaxAreQuoted() {
        #expect(ShellQuote.word("if") == "'if'")
        #expect(ShellQuote.word("time") == "'time'")
        #expect(ShellQuote.word("PATH=/tmp") == "'PATH=/tmp'")
        #expect(ShellQuote.word("--x=1") == "--x=1")
        #expect(ShellQuote.word("node1") == "node1")
    }

    @Test func nulInAnyValueIsRefusedWithTheExpressionNamed() {
        let (template, _) = TemplateParser.parse("echo ${{ steps.a.outputs.v }}", at: SourceLocation(file: "r.yaml", line: 2, column: 3))
        let context = EvaluationContext(steps: ["a": .init(status: "succeeded", outputs: ["v": .string("a\u{0}b")])])
        for mode in [TemplateRenderer.Mode.shell, .text, .regex, .replacement] {
            #expect(throws: Diagnostic.error(
                "the value of 'steps.a.outputs.v' contains a NUL byte, which no command, file or terminal can take",
                at: SourceLocation(file: "r.yaml", line: 2, column: 8), hint: "remove the NUL byte from the value")) {
                try TemplateRenderer().render(template, in: context, mode: mode)
            }
        }
    }
}
