import RunbookYAML

/// The one thing a step does.
///
/// Every case but `run` is `indirect`: an enum is as large as its largest case, and a
/// `Condition` inline made every `Step` 312 bytes larger, `run` steps too (issue 15: the loaded
/// model was ten times the file).
public enum Action: Sendable, Hashable {
    /// A command that changes things.
    case run(Template)
    /// A read-only precondition; the step fails when it does not hold.
    indirect case check(Condition)
    /// A read-only condition polled until it holds or its timeout passes.
    indirect case wait(Condition)
    /// Operator approval: the operator types the expected answer.
    indirect case confirm(Confirmation)
    /// Another runbook run as a sub-procedure.
    indirect case use(Use)
    /// A built-in file action that snapshots what it changes.
    indirect case file(FileAction)

    /// The key that introduces the action in YAML (`run`, `check`, `edit` …).
    public var keyword: String {
        switch self {
        case .run: "run"
        case .check: "check"
        case .wait: "wait"
        case .confirm: "confirm"
        case .use: "use"
        case .file(let f): f.keyword
        }
    }
}

/// `confirm`: a question and the answer the operator must type to go on.
public struct Confirmation: Sendable, Hashable {
    public var prompt: Template
    /// What must be typed, exactly; default `yes`.
    public var answer: Template
    public init(prompt: Template, answer: Template) {
        self.prompt = prompt
        self.answer = answer
    }
}

/// `use` + `with`: a sub-runbook and the params it is given.
public struct Use: Sendable, Hashable {
    /// The name or relative path as written (`backup-etcd` or `./backup-etcd.yaml`).
    public var reference: String
    /// Params for the sub-runbook, in the order written.
    public var with: [(name: String, value: Template)]
    public var location: SourceLocation

    public init(reference: String, with: [(name: String, value: Template)], location: SourceLocation) {
        self.reference = reference
        self.with = with
        self.location = location
    }

    public static func == (a: Use, b: Use) -> Bool {
        a.reference == b.reference && a.location == b.location
            && a.with.map(\.name) == b.with.map(\.name) && a.with.map(\.value) == b.with.map(\.value)
    }

    public func hash(into h: inout Hasher) {
        h.combine(reference)
        h.combine(location)
        for w in with { h.combine(w.name); h.combine(w.value) }
    }
}

/// One rollback action: a command, or a file action.
public enum RollbackAction: Sendable, Hashable {
    case run(Template)
    case file(FileAction)
}
