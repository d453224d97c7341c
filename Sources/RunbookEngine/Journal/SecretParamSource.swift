#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookYAML

/// Where secret param values come from when a run starts or resumes: they are never stored,
/// so each time they are read from `RUNBOOK_SECRET_<NAME>` or asked at the terminal.
public struct SecretParamSource: Sendable {
    /// The environment to read (the process environment by default).
    public var environment: [String: String]
    /// Asks for one value without echo; nil when there is no terminal (unattended runs).
    public var prompt: @Sendable (_ name: String) -> String?

    /// A source over `environment`, prompting with `prompt`.
    public init(environment: [String: String], prompt: @escaping @Sendable (String) -> String? = SecretParamSource.terminalPrompt) {
        self.environment = environment
        self.prompt = prompt
    }

    /// `RUNBOOK_SECRET_DB_PASSWORD` for `db-password`: upper case, anything else than a letter or digit `_`.
    public static func environmentName(for param: String) -> String {
        "RUNBOOK_SECRET_" + String(param.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// The values of the named secret params.
    /// - Throws: `DiagnosticError` listing every secret that has neither a variable nor an answer.
    public func values(for names: [String]) throws -> [String: String] {
        var found: [String: String] = [:]
        var missing: [Diagnostic] = []
        for name in names {
            if let value = environment[Self.environmentName(for: name)] ?? prompt(name) {
                found[name] = value
            } else {
                missing.append(.error("secret param '\(name)' has no value", at: nil,
                                      hint: "set \(Self.environmentName(for: name)) or run from a terminal to be asked"))
            }
        }
        if !missing.isEmpty { throw DiagnosticError(missing) }
        return found
    }

    /// Asks on `/dev/tty` with echo off; nil without a terminal.
    @Sendable public static func terminalPrompt(_ name: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { closeDescriptor(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        let question = Array("\(name) (secret): ".utf8)
        try? PrivateFiles.writeAll(fd, question, path: "/dev/tty")
        tcsetattr(fd, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(fd, TCSAFLUSH, &saved)
            try? PrivateFiles.writeAll(fd, [0x0A], path: "/dev/tty")
        }
        var answer: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != 0x0A { answer.append(byte) }
        return String(decoding: answer, as: UTF8.self)
    }
}
