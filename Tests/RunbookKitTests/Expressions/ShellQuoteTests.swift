import Testing
import RunbookCore

@Suite struct ShellQuoteTests {
    @Test(arguments: [
        ("node1.example.com", "node1.example.com"),
        ("--schedulable=false", "--schedulable=false"),
        ("", "''"),
        ("a b", "'a b'"),
        ("it's", "'it'\\''s'"),
        ("$(reboot)", "'$(reboot)'"),
        ("~root", "'~root'"),
        ("*", "'*'"),
    ])
    func quotes(_ input: String, _ expected: String) {
        #expect(ShellQuote.word(input) == expected)
    }
}
