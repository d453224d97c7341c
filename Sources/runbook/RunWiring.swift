import Foundation
import RunbookKit

/// The stages `runbook run` wires together before the engine starts. Each is one small
/// function so the pieces built elsewhere (loader, inventory, journal) plug in here.
enum RunWiring {
    /// Loads the runbook and every sub-runbook its `use` steps name (looked up beside it).
    ///
    /// Wire-up after the loader merge: `let runbook = try RunbookLoader().load(contentsOf: file)`,
    /// then for each `.use(u)` step (recursively) load `<dir of file>/<u.reference>.yaml` (or the
    /// relative path when it ends in `.yaml`) into the dictionary keyed by the runbook's name.
    static func loadRunbooks(_ file: String) throws(DiagnosticError) -> (Runbook, [String: Runbook]) {
        _ = try YAMLParser().parse(contentsOf: file)
        throw DiagnosticError(.error("this build has no runbook loader yet", at: nil,
                                     hint: "build from a branch that includes the loader"))
    }

    /// Reads the inventory (YAML or Ansible INI); the local machine only when no file is given.
    static func loadInventory(_ file: String?) throws(DiagnosticError) -> Inventory {
        guard let file else { return .empty }
        throw DiagnosticError(.error("this build cannot read inventories yet (\(file))", at: nil))
    }

    /// `--params-file` then `--param k=v` (flags win), coerced to each param's type and checked
    /// against `required`, `enum` and `pattern`. Every problem is reported, not only the first.
    static func resolveParams(_ flags: [String], file: String?, for runbook: Runbook) throws(DiagnosticError)
        -> (values: [String: Value], secrets: Set<String>)
    {
        var raw: [(String, String, SourceLocation?)] = []
        var problems: [Diagnostic] = []
        if let file {
            do throws(DiagnosticError) {
                let node = try YAMLParser().parse(contentsOf: file)
                guard let pairs = node.pairs else {
                    throw DiagnosticError(.error("a params file is a mapping of name: value", at: node.location))
                }
                for pair in pairs {
                    let value = pair.value.text ?? pair.value.items?.compactMap(\.text).joined(separator: ",") ?? ""
                    raw.append((pair.key.text ?? "", value, pair.key.location))
                }
            } catch {
                problems += error.diagnostics
            }
        }
        for flag in flags {
            guard let eq = flag.firstIndex(of: "=") else {
                problems.append(.error("--param \(flag): expected NAME=VALUE", at: nil, hint: "e.g. --param node=infra-0"))
                continue
            }
            raw.append((String(flag[..<eq]), String(flag[flag.index(after: eq)...]), nil))
        }
        var values: [String: Value] = [:]
        for (name, text, location) in raw {
            guard let param = runbook.param(name) else {
                let known = runbook.params.map(\.name).joined(separator: ", ")
                problems.append(.error("unknown param '\(name)'", at: location, hint: known.isEmpty ? nil : "params: \(known)"))
                continue
            }
            switch ParamValue.parse(text, as: param) {
            case .success(let v): values[name] = v
            case .failure(let message): problems.append(.error("param \(name): \(message)", at: location))
            }
        }
        for p in runbook.params where p.required && values[p.name] == nil && p.defaultValue == nil {
            problems.append(.error("missing required param '\(p.name)'", at: p.location,
                                   hint: "pass --param \(p.name)=VALUE"))
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return (values, Set(runbook.params.filter(\.secret).map(\.name)))
    }
}

/// One param value typed in on the command line.
enum ParamValue {
    enum Outcome { case success(Value), failure(String) }

    static func parse(_ text: String, as param: Param) -> Outcome {
        let value: Value
        switch param.kind {
        case .string: value = .string(text)
        case .int:
            guard let i = Int(text) else { return .failure("expected an integer, got '\(text)'") }
            value = .int(i)
        case .bool:
            guard text == "true" || text == "false" else { return .failure("expected true or false, got '\(text)'") }
            value = .bool(text == "true")
        case .list: value = .list(text.split(separator: ",").map { .string(String($0)) })
        case .duration:
            guard TimeSpan(parsing: text) != nil else { return .failure("expected a duration such as 90s or 10m") }
            value = .string(text)
        }
        if let allowed = param.allowed, !allowed.contains(value) {
            return .failure("'\(text)' is not one of \(allowed.map(\.description).joined(separator: ", "))")
        }
        if let pattern = param.pattern, let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") {
            let words: [String] = if case .list(let l) = value { l.map(\.description) } else { [value.description] }
            for w in words where regex.firstMatch(in: w, range: NSRange(w.startIndex..., in: w)) == nil {
                return .failure(param.secret ? "the value does not match \(pattern)" : "'\(w)' does not match \(pattern)")
            }
        }
        return .success(value)
    }
}

/// A stand-in journal until the journal work is wired in: one JSON event per line, fsynced.
/// Replace with `JournalWriter` (hash chain, secret scrubbing) and `RunLock` (exit 5).
actor JSONLinesRecorder: EventRecorder {
    private let handle: FileHandle
    private let encoder = JSONEncoder()

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        encoder.outputFormatting = [.sortedKeys]
    }

    func record(_ event: RunEvent) async throws {
        try handle.write(contentsOf: try encoder.encode(event) + Data("\n".utf8))
        try handle.synchronize()
    }
}
