import Testing
import RunbookYAML
import RunbookCore

/// Splitting `${{ … }}` out of text and placing each problem exactly.
@Suite struct TemplateParserTests {
    let at = SourceLocation(file: "f.yaml", line: 3, column: 10)

    @Test func literalOnly() {
        let (t, ds) = TemplateParser.parse("echo hello", at: at)
        #expect(ds.isEmpty)
        #expect(t.segments == [.literal("echo hello")])
        #expect(t.isLiteral)
    }

    @Test func expressionsAndPrecedence() {
        let (t, ds) = TemplateParser.parse("a ${{ !x.y && b || c == 'd' ? [1, 'e'] : join(z, ',') }} b", at: at)
        #expect(ds.isEmpty)
        guard case .expression(let e, let source, let location) = t.segments[1] else { Issue.record("no expression"); return }
        #expect(location == SourceLocation(file: "f.yaml", line: 3, column: 12))
        #expect(source == "!x.y && b || c == 'd' ? [1, 'e'] : join(z, ',')")
        let condition = Expression.binary(
            .or, .binary(.and, .not(.reference(["x", "y"])), .reference(["b"])),
            .binary(.equal, .reference(["c"]), .literal(.string("d"))))
        #expect(e == .conditional(condition, .literal(.list([.int(1), .string("e")])),
                                  .call("join", [.reference(["z"]), .literal(.string(","))])))
        #expect(t.segments.last == .literal(" b"))
    }

    @Test func indexAndDashedStepIds() {
        let (t, ds) = TemplateParser.parse("${{ steps.back-up.outputs.id }} ${{ hosts.masters[0] }}", at: at)
        #expect(ds.isEmpty)
        let expressions = t.segments.compactMap { if case .expression(let e, _, _) = $0 { e } else { nil } }
        #expect(expressions == [.reference(["steps", "back-up", "outputs", "id"]),
                                .index(.reference(["hosts", "masters"]), .literal(.int(0)))])
    }

    @Test func bracesInsideStringsDoNotClose() {
        let (t, ds) = TemplateParser.parse("${{ 'a}}b' }}", at: at)
        #expect(ds.isEmpty)
        guard case .expression(let e, _, _) = t.segments.first else { Issue.record("no expression"); return }
        #expect(e == .literal(.string("a}}b")))
    }

    @Test func syntaxErrorIsPlacedInsideTheLine() {
        let (_, ds) = TemplateParser.parse("echo ${{ join(a, 'b' }}", at: at)
        #expect(ds.map(\.message) == ["expected ')' after arguments, found the end of the expression"])
        // `${{` at column 15, its content starts at 18 and is 13 scalars long; the end is right after it.
        #expect(ds.first?.location?.column == 10 + 5 + 3 + 13)
    }

    @Test func unterminatedOpening() {
        let (_, ds) = TemplateParser.parse("echo ${{ a", at: at)
        #expect(ds.map(\.message) == ["unterminated '${{': expected '}}' to close the expression"])
        #expect(ds.first?.location?.column == 15)
    }

    @Test func unknownFunctionSuggestsTheClosest() {
        let (_, ds) = TemplateParser.parse("${{ lenght(x) }}", at: at)
        #expect(ds.first?.message == "unknown function 'lenght'")
        #expect(ds.first?.hint == "did you mean 'length'?")
        #expect(ds.first?.location?.column == 14)
    }

    @Test func wrongArgumentCount() {
        let (_, ds) = TemplateParser.parse("${{ join(x) }}", at: at)
        #expect(ds.first?.message == "join takes 2 arguments, found 1")
    }

    @Test func openingsFromTheFileWin() {
        let real = SourceLocation(file: "f.yaml", line: 7, column: 5)
        let (_, ds) = TemplateParser.parse("a\nb ${{ ) }}", at: at, openings: [real])
        #expect(ds.first?.location == SourceLocation(file: "f.yaml", line: 7, column: 9))
    }

    @Test func bareExpression() {
        let (e, ds) = TemplateParser.parseExpression("params.force && !params.dry", at: at)
        #expect(ds.isEmpty)
        #expect(e == .binary(.and, .reference(["params", "force"]), .not(.reference(["params", "dry"]))))
        let (bad, problems) = TemplateParser.parseExpression("a = b", at: at)
        #expect(bad == nil)
        #expect(problems.first?.location?.column == 12)
        #expect(problems.first?.hint == "compare with '=='")
    }
}
