import Foundation
import Testing
import RunbookCore
import TestSupport

/// A param value can never add a word to a command: rendered commands are run by /bin/sh.
@Suite struct InjectionTests {
    let marker = "/tmp/pwned-\(UUID().uuidString)"

    var hostile: [String: Value] {
        [
            "semicolon": .string("x; touch \(marker)"),
            "subst": .string("$(reboot)"),
            "quote": .string("it's; touch \(marker)"),
            "newline": .string("a\ntouch \(marker)"),
            "list": .list([.string("one two"), .string("`touch \(marker)`"), .string("$HOME")]),
        ]
    }

    func render(_ command: String) throws -> String {
        let context = EvaluationContext(params: hostile)
        return try TemplateRenderer().render(TestTemplate.parse(command), in: context, mode: .shell).text
    }

    /// Runs `command` with /bin/sh and returns its stdout.
    func sh(_ command: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func everyHostileValueStaysOneWordAndNothingRuns() throws {
        let command = try render(
            "printf '[%s]\\n' ${{ params.semicolon }} ${{ params.subst }} ${{ params.quote }} ${{ params.newline }} ${{ params.list }}")
        // Checked before anything runs, so a quoting bug can never execute `reboot`.
        try #require(command == """
            printf '[%s]\\n' 'x; touch \(marker)' '$(reboot)' 'it'\\''s; touch \(marker)' 'a
            touch \(marker)' 'one two' '`touch \(marker)`' '$HOME'
            """)
        let output = try sh(command)
        #expect(output == """
            [x; touch \(marker)]
            [$(reboot)]
            [it's; touch \(marker)]
            [a
            touch \(marker)]
            [one two]
            [`touch \(marker)`]
            [$HOME]

            """)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func authorFlagLiteralsStayCodeAndEmptyStringsAddNoWord() throws {
        let force = Expression.conditional(.reference(["params", "force"]), .literal(.string("--force")), .literal(.string("")))
        let unsafe = Expression.conditional(.literal(.bool(true)), .literal(.string("a b")), .literal(.string("")))
        for (flag, expected) in [(true, "cmd --force end 'a b'"), (false, "cmd  end 'a b'")] {
            let t = TestTemplate.build([.text("cmd "), .expr(force), .text(" end "), .expr(unsafe)])
            let r = try TemplateRenderer().render(t, in: EvaluationContext(params: ["force": .bool(flag)]), mode: .shell)
            #expect(r.text == expected)
        }
        // A param that looks like a flag is still data: it is quoted only if unsafe, but never split.
        let r = try TemplateRenderer().render(TestTemplate.parse("rm ${{ params.x }}"),
                                              in: EvaluationContext(params: ["x": .string("-rf /")]), mode: .shell)
        #expect(r.text == "rm '-rf /'")
    }
}
