import RunbookYAML

/// The shape shared by `check`, `wait` and `verify`: a read-only command and what its result must show.
public struct Condition: Sendable, Hashable {
    /// The read-only command.
    public var command: Template
    public var expect: Expectation
    /// For `wait` and `verify`: poll until it holds, up to this long.
    public var timeout: TimeSpan?
    /// For `wait` and `verify`: time between polls.
    public var interval: TimeSpan?
    public var location: SourceLocation

    public init(command: Template, expect: Expectation = Expectation(), timeout: TimeSpan? = nil,
                interval: TimeSpan? = nil, location: SourceLocation) {
        self.command = command
        self.expect = expect
        self.timeout = timeout
        self.interval = interval
        self.location = location
    }
}

/// `expect`: predicates over a command's result; all must hold.
public struct Expectation: Sendable, Hashable {
    /// Required exit code; default 0.
    public var exit: Int
    public var stdoutContains: Template?
    public var stdoutNotContains: Template?
    /// Regular expressions (searched, not anchored).
    public var stdoutMatches: String?
    public var stdoutNotMatches: String?
    public var stderrContains: Template?
    public var stderrMatches: String?
    public var json: JSONExpectation?

    public init(exit: Int = 0, stdoutContains: Template? = nil, stdoutNotContains: Template? = nil,
                stdoutMatches: String? = nil, stdoutNotMatches: String? = nil, stderrContains: Template? = nil,
                stderrMatches: String? = nil, json: JSONExpectation? = nil) {
        self.exit = exit
        self.stdoutContains = stdoutContains
        self.stdoutNotContains = stdoutNotContains
        self.stdoutMatches = stdoutMatches
        self.stdoutNotMatches = stdoutNotMatches
        self.stderrContains = stderrContains
        self.stderrMatches = stderrMatches
        self.json = json
    }
}

/// `json: { path, equals | in | exists }` over stdout parsed as JSON.
public struct JSONExpectation: Sendable, Hashable {
    public enum Test: Sendable, Hashable {
        case equals(Template)
        case oneOf([Template])
        case exists(Bool)
    }
    /// A JSON path: `$.a.b[0].c` (also `.a.b`).
    public var path: String
    public var test: Test
    public init(path: String, test: Test) {
        self.path = path
        self.test = test
    }
}
