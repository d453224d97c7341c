import CYAML
import Foundation
import Testing
import RunbookYAML
import RunbookCore
import TestSupport

/// Input meant to hurt (or just badly broken): every case is refused with one short positioned
/// message, without a crash, and without reading or building more than the limits allow.
@Suite struct HostileInputTests {
    func diagnostics(_ bytes: [UInt8], limits: YAMLLimits = .default) -> [Diagnostic] {
        do {
            _ = try RunbookLoader(limits: limits).load(bytes: bytes, file: "h.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    func diagnostics(_ text: String) -> [Diagnostic] { diagnostics(Array(text.utf8)) }

    /// One diagnostic, rendered in at most a screenful.
    func expectOneShort(_ ds: [Diagnostic], _ message: String, line: Int, column: Int) {
        #expect(ds.count == 1)
        #expect(ds.first?.message == message)
        #expect(ds.first?.location == SourceLocation(file: "h.yaml", line: line, column: column))
        let rendered = DiagnosticRenderer(colour: false).render(ds)
        #expect(rendered.split(separator: "\n").count <= 24)
        #expect(rendered.count < 2000)
    }

    /// A NUL byte cuts a C string: `run` would start only the text before it, not the command
    /// `plan` showed. Refused where it is written, before any plan.
    @Test func aNulByteInACommandIsRefusedWhereItIsWritten() {
        let text = "runbook: t\nsteps:\n  - id: a\n    run: \"echo kept\\0; echo dropped\"\n"
        expectOneShort(diagnostics(text), "this text contains a NUL byte, which no command, file or terminal can take",
                       line: 4, column: 10)
        #expect(diagnostics(text).first?.hint == "remove the NUL byte (\\0)")
    }

    @Test func billionLaughsIsStoppedByCounting() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        expectOneShort(diagnostics(text), "aliases expand to more than 100000 nodes; refusing (an alias bomb?)", line: 5, column: 45)
    }

    @Test func deepFlowNestingIsRefusedAtTheLimit() {
        let text = "a: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n"
        expectOneShort(diagnostics(text), "nesting deeper than 256 levels; refusing", line: 1, column: 3 + 256)
    }

    @Test func deepBlockNestingIsRefusedAtTheLimit() {
        let text = String(repeating: "- ", count: 20_000) + "x\n"
        expectOneShort(diagnostics(text), "nesting deeper than 256 levels; refusing", line: 1, column: 1 + 2 * 256)
    }

    /// libyaml itself keeps explicit stacks: pulling every event of a 20,000-deep document (flow
    /// and block) reaches the end of the stream, so our depth check is what stops such input.
    /// This is the slow test of the suite (about a second of CPU): libyaml's flow scanner is
    /// quadratic in the nesting depth (it rescans its simple-key stack per token), one more reason
    /// the tree builder stops at 256 levels, on the start event, before libyaml goes deeper.
    @Test(arguments: [
        String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n",
        String(repeating: "- ", count: 20_000) + "x\n",
    ])
    func libyamlPullsTwentyThousandLevelsWithoutRecursing(_ text: String) {
        let bytes = Array(text.utf8)
        var deepest = 0
        var depth = 0
        var reachedEnd = false
        bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_SEQUENCE_START_EVENT: depth += 1; deepest = max(deepest, depth)
                case YAML_SEQUENCE_END_EVENT: depth -= 1
                case YAML_STREAM_END_EVENT: reachedEnd = true; return
                default: break
                }
            }
        }
        #expect(reachedEnd)
        #expect(deepest == 20_000)
    }

    @Test func oversizedDocumentIsRefusedBeforeParsing() {
        // 64 MiB of scalar, made here rather than committed.
        var bytes = Array("runbook: x\ndescription: \"".utf8)
        bytes += [UInt8](repeating: 0x61, count: 64 << 20)
        bytes += Array("\"\nsteps: []\n".utf8)
        let ds = diagnostics(bytes)
        expectOneShort(ds, "document is \(bytes.count) bytes, larger than the limit of 16777216 bytes", line: 1, column: 1)
        #expect(ds.first?.hint?.contains("--max-document-size") == true)
    }

    @Test func oversizedFileStopsReadingAtTheLimit() throws {
        let scratch = try Scratch(prefix: "hostile")
        defer { scratch.remove() }
        let url = scratch.url.appendingPathComponent("hostile.yaml")
        var data = Data("runbook: x\ndescription: \"".utf8)
        data.append(Data(repeating: 0x61, count: 64 << 20))
        try data.write(to: url)
        do {
            _ = try RunbookLoader().load(contentsOf: url.path)
            Issue.record("a 64 MiB file was accepted")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["the file is larger than the limit of 16777216 bytes; refusing to read it"])
            #expect(error.diagnostics.first?.location?.line == 1)
        }
    }

    @Test func invalidUTF8IsPositioned() {
        let bytes = Array("runbook: x\ntitle: \"caf".utf8) + [0xFF] + Array("\"\n".utf8)
        expectOneShort(diagnostics(bytes), "the file is not valid UTF-8: invalid leading UTF-8 octet (byte 0xFF)", line: 2, column: 12)
    }

    @Test func tabsGetTheTabHint() {
        let ds = diagnostics("runbook: x\nsteps:\n\t- id: a\n")
        expectOneShort(ds, "invalid YAML: found character that cannot start any token", line: 3, column: 1)
        #expect(ds.first?.hint == "YAML does not allow tabs for indentation; use spaces")
    }

    @Test func everyDuplicateKeyIsReportedWithTheFirstDefinition() {
        let ds = diagnostics("runbook: x\nrunbook: y\nsteps:\n  - id: a\n    run: ls\n    run: pwd\n")
        #expect(ds.map(\.message) == ["duplicate key 'runbook'", "duplicate key 'run'"])
        #expect(ds.map { $0.notes.first?.location?.line } == [1, 5])
    }

    @Test func duplicateKeysInLargeMappingsAreFound() {
        var text = "runbook: x\nparams:\n"
        for i in 0..<40 { text += "  p\(i): {}\n" }
        text += "  p3: {}\n  p39: {}\n  p40: {}\n  p40: {}\n"
        let ds = diagnostics(text)
        #expect(ds.map(\.message) == ["duplicate key 'p3'", "duplicate key 'p39'", "duplicate key 'p40'"])
        #expect(ds.map { $0.notes.first?.location?.line } == [6, 42, 45])
    }

    @Test func hugeUnknownKeyGivesAShortMessage() {
        let key = String(repeating: "k", count: 1 << 20)
        // libyaml limits implicit keys to 1024 characters; an explicit key (`? …`) has no limit.
        let ds = diagnostics("runbook: x\n? \(key)\n: 1\nsteps: [{id: a, run: ls}]\n")
        #expect(ds.count == 1)
        #expect(ds.first?.message == "unknown key '\(String(repeating: "k", count: 37))...' in the runbook")
        #expect(DiagnosticRenderer(colour: false).render(ds).count < 2000)
    }

    @Test func secondDocumentIsRefused() {
        expectOneShort(diagnostics("runbook: x\nsteps: [{id: a, run: ls}]\n---\nrunbook: y\n"),
                       "a runbook file holds one YAML document; found a second one here", line: 3, column: 1)
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n", "~\n"])
    func emptyDocumentsAreRefused(_ text: String) {
        expectOneShort(diagnostics(text), "the file is empty; expected a YAML mapping", line: 1, column: 1)
    }

    @Test func topLevelListIsRefused() {
        expectOneShort(diagnostics("- id: a\n  run: ls\n"), "expected a mapping at the top level, found a list", line: 1, column: 1)
    }

    @Test func deeplyNestedExpressionIsRefusedNotOverflowed() {
        let expr = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        let ds = diagnostics("runbook: x\nsteps:\n  - id: a\n    run: echo ${{ \(expr) }}\n")
        #expect(ds.map(\.message) == ["expression nested more than 64 levels deep"])
    }

    /// A chain builds a tree as deep as it is long (each `&&` wraps the left side): every node
    /// counts toward the limit, so `plan`/`run` never evaluate a 9,000-deep tree (it was SIGSEGV).
    /// Each chain with the column where it passes 64 levels.
    static let chains: [(expression: String, column: Int)] = [
        (Array(repeating: "true", count: 9_000).joined(separator: " && "), 532),
        ("1" + String(repeating: " == 1", count: 9_000), 337),
        ("params.x" + String(repeating: "[0]", count: 9_000), 215),
        (String(repeating: "!", count: 9_000) + "true", 79),
    ]

    @Test(arguments: chains)
    func longExpressionChainsAreRefusedNotOverflowed(_ chain: (expression: String, column: Int)) {
        let text = "runbook: x\nparams:\n  x: {type: list, default: []}\nsteps:\n  - id: a\n    run: echo\n    when: ${{ \(chain.expression) }}\n"
        let ds = diagnostics(text)
        #expect(ds.map(\.message) == ["expression nested more than 64 levels deep"])
        #expect(ds.first?.location?.line == 7)
        #expect(ds.first?.location?.column == chain.column)
        #expect(DiagnosticRenderer(colour: false).render(ds).count < 2000)
    }

    @Test func chainsWithinTheLimitStillWork() {
        let expression = Array(repeating: "true", count: 60).joined(separator: " && ")
        #expect(diagnostics("runbook: x\nsteps:\n  - id: a\n    run: echo\n    when: ${{ \(expression) }}\n").isEmpty)
    }

    /// The duplicate-key index was copied on every insert: 40,000 keys took 20 s. Now linear
    /// (timing in bench/hostile.sh); the duplicate at the very end is still found.
    @Test func fortyThousandKeysAreCheckedForDuplicates() throws {
        var text = "m:\n"
        for i in 0..<40_000 { text += "  k\(i): v\n" }
        let node = try YAMLParser().parse(Array(text.utf8), file: "h.yaml")
        #expect(node["m"]?.pairs?.count == 40_000)
        text += "  k39999: again\n"
        do {
            _ = try YAMLParser().parse(Array(text.utf8), file: "h.yaml")
            Issue.record("expected a duplicate key")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["duplicate key 'k39999'"])
            #expect(error.diagnostics.first?.location == SourceLocation(file: "h.yaml", line: 40_002, column: 3))
        }
    }

    @Test func keysOfDifferentYAMLTypesAreNotDuplicates() throws {
        let node = try YAMLParser().parse(Array("m: {1: x, '1': y, true: a, 'true': b}\n".utf8), file: "h.yaml")
        #expect(node["m"]?.pairs?.count == 4)
        do {
            _ = try YAMLParser().parse(Array("m: {a: x, 'a': y}\n".utf8), file: "h.yaml")
            Issue.record("expected a duplicate key")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["h.yaml:1:11: error: duplicate key 'a'"])
        }
    }

    /// Each `${{` position used to be found by walking the line from its start: 40,000 on one
    /// line took 41 s. Now linear (timing in bench/hostile.sh).
    @Test func fortyThousandExpressionsInOneValueAreParsed() throws {
        let value = Array(repeating: "${{ params.x }}", count: 40_000).joined(separator: " ")
        let text = "runbook: x\nparams:\n  x: {type: string, default: a}\nsteps:\n  - id: a\n    run: \"é \(value)\"\n"
        #expect(diagnostics(text).isEmpty)
        let bad = "runbook: x\nparams:\n  x: {type: string, default: a}\nsteps:\n  - id: a\n    run: \"é \(value) ${{ nosuch.y }}\"\n"
        let ds = diagnostics(bad)
        #expect(ds.count == 1)
        #expect(ds.first?.location == SourceLocation(file: "h.yaml", line: 6, column: 13 + 16 * 40_000 + 4))
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("runbook: x\nsteps:\n  - id: a\n    run: echo ${{ nosuch.y }}\n".utf8)
        // The BOM is not a column: the bad reference is where an editor shows it.
        expectOneShort(diagnostics(bytes), "unknown name 'nosuch' in expression", line: 4, column: 19)
        let runbook = try RunbookLoader().load(bytes: [0xEF, 0xBB, 0xBF] + Array("runbook: x\nsteps:\n  - id: a\n    run: echo\n".utf8), file: "h.yaml")
        #expect(runbook.steps.count == 1)
    }

    /// 100,000 broken steps printed 24 MB: the text lists the first 20 and counts the rest.
    @Test func hundredThousandInvalidStepsPrintOneScreen() {
        var text = "runbook: x\nsteps:\n"
        for i in 0..<100_000 { text += "  - id: s\(i)\n    runn: echo\n" }
        let ds = diagnostics(text)
        #expect(ds.count >= 100_000)
        let rendered = DiagnosticRenderer(colour: false).render(ds)
        #expect(rendered.split(separator: "\n").count <= 3 * DiagnosticRenderer.shownLimit + 2)
        #expect(rendered.contains("... and \(ds.count - DiagnosticRenderer.shownLimit) more"))
        #expect(rendered.hasSuffix("\(ds.count) errors"))
        #expect(ds.first?.location == SourceLocation(file: "h.yaml", line: 3, column: 5))
    }

    /// A UTF-16 surrogate encoded in UTF-8 was reported as "(byte 0x0)": the real bytes now.
    @Test func surrogateIsReportedWithItsBytes() {
        let bytes = Array("runbook: x\nsteps: [{id: a, run: \"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}]\n".utf8)
        expectOneShort(diagnostics(bytes), "the file is not valid UTF-8: invalid Unicode character (bytes 0xED 0xA0 0x80)", line: 2, column: 23)
    }

    /// CR-only line ends (old Mac files) and CRLF: a position inside an expression is on the line
    /// an editor shows, as libyaml counts lines.
    @Test(arguments: ["\r", "\r\n"])
    func crLineEndsGiveTheRightLine(_ end: String) {
        let text = ["runbook: x", "steps:", "  - id: a", "    run: echo ${{ nosuch.y }}", ""].joined(separator: end)
        expectOneShort(diagnostics(text), "unknown name 'nosuch' in expression", line: 4, column: 19)
    }

    /// `steps: !!map [..]` was accepted: a standard tag that contradicts the node is refused.
    @Test func aTagThatContradictsTheNodeIsRefused() {
        let ds = diagnostics("runbook: x\nsteps: !!map [{id: a, run: echo}]\n")
        #expect(ds.contains { $0.message == "YAML tag '!!map' on a list: the tag says a mapping"
            && $0.location == SourceLocation(file: "h.yaml", line: 2, column: 8) }, "\(ds)")
        #expect(diagnostics("runbook: !!seq x\nsteps: [{id: a, run: echo}]\n").contains {
            $0.message == "YAML tag '!!seq' on a string: the tag says a list" })
    }

    /// A params-file value that misses its pattern echoed 50 KB with no position: now clipped and
    /// positioned at the value in the params file.
    @Test func aParamsFilePatternMismatchIsClippedAndPositioned() throws {
        let scratch = try Scratch()
        let runbook = try RunbookLoader().load(bytes: Array("""
            runbook: x
            params:
              node: { type: string, pattern: '[a-z]+' }
            steps:
              - id: a
                run: echo ${{ params.node }}

            """.utf8), file: "r.yaml")
        let file = scratch.path("params.yaml")
        try ("node: '" + String(repeating: "X", count: 50_000) + "'\n").write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try ParamResolver().resolve(runbook, paramsFile: file)
            Issue.record("the value does not match the pattern")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(error.diagnostics.count == 1)
            #expect(d.location == SourceLocation(file: file, line: 1, column: 7))
            #expect(d.message == "param 'node': 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX...' does not match the pattern '[a-z]+'")
            #expect(DiagnosticRenderer(colour: false).render(error.diagnostics).count < 500)
        }
    }
}
