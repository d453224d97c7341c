import Foundation
import RunbookYAML

/// Param values for one run, resolved and checked.
public struct ResolvedParams: Sendable, Hashable {
    /// Every declared param that has a value (given, from a file, from the environment, or its default).
    public var values: [String: Value]
    /// Names of secret params: rendered as `***` for display and the journal.
    public var secretNames: Set<String>
    public init(values: [String: Value], secretNames: Set<String>) {
        self.values = values
        self.secretNames = secretNames
    }
}

/// Turns `--param k=v` flags, a `--params-file` and `RUNBOOK_SECRET_<NAME>` variables into checked
/// values: parsed per type, defaults applied, required/pattern/enum enforced, unknown names
/// refused with a did-you-mean hint. Every problem is reported together.
public struct ParamResolver: Sendable {
    /// Where secret params may come from (`RUNBOOK_SECRET_<NAME>`, upper-cased).
    public var environment: [String: String]

    /// A resolver reading secrets from `environment` (the process environment by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Resolves the params of `runbook`; later sources win: defaults, environment (secrets), file, flags.
    /// - Throws: `DiagnosticError` with every problem found.
    public func resolve(_ runbook: Runbook, assignments: [String] = [], paramsFile: String? = nil) throws(DiagnosticError) -> ResolvedParams {
        var ds: [Diagnostic] = []
        var given: [String: Value] = [:]
        // Where a params file wrote each value, so a constraint error points at it.
        var written: [String: SourceLocation] = [:]
        // Given but not parseable: reported once as invalid, never also as missing.
        var invalid: Set<String> = []
        let names = runbook.params.map(\.name)
        if let paramsFile {
            do { given = try readFile(paramsFile, runbook, &ds, invalid: &invalid, locations: &written) } catch { ds += error.diagnostics }
        }
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                ds.append(.error("--param '\(assignment)' must be name=value", at: nil, hint: "for example --param node=node1.example.com"))
                continue
            }
            let name = String(assignment[..<eq])
            let text = String(assignment[assignment.index(after: eq)...])
            guard let param = runbook.param(name) else {
                ds.append(.error("unknown param '\(name)' for runbook '\(runbook.name)'", at: nil,
                                 hint: NearestName.hint(name, among: names) ?? known(names)))
                continue
            }
            written[name] = nil
            do throws(Diagnostic) { given[name] = try ParamValueParser.parse(text, as: param) } catch {
                ds.append(error)
                invalid.insert(name)
            }
        }
        var values: [String: Value] = [:]
        var defaulted: Set<String> = []
        for param in runbook.params {
            let fromEnv = param.secret ? environment["RUNBOOK_SECRET_\(param.name.uppercased())"] : nil
            if let v = given[param.name] {
                values[param.name] = v
            } else if let env = fromEnv {
                do throws(Diagnostic) { values[param.name] = try ParamValueParser.parse(env, as: param) } catch { ds.append(error) }
            } else if let d = param.defaultValue {
                values[param.name] = d
                defaulted.insert(param.name)
                continue
            } else if param.required, !invalid.contains(param.name) {
                let hint = param.secret ? "pass --param \(param.name)=VALUE or set RUNBOOK_SECRET_\(param.name.uppercased())"
                    : "pass --param \(param.name)=VALUE"
                ds.append(Diagnostic(.error, "missing required param '\(param.name)'", at: nil, hint: hint,
                                     notes: [.init("declared here", at: param.location)]))
                continue
            } else {
                continue
            }
            if let v = values[param.name] { ds += ParamValueParser.constraints(v, of: param, at: written[param.name]) }
        }
        // No command line, environment or terminal can carry a NUL: refuse it before anything runs.
        for param in runbook.params where values[param.name]?.containsNUL == true {
            ds.append(.error("param '\(param.name)' contains a NUL byte, which no command can take", at: nil,
                             hint: "remove the NUL byte (\\0) from the value"))
        }
        guard ds.isEmpty else { throw DiagnosticError(ds) }
        // Only the secrets that have a value: `resume` asks again for each of these, and an optional
        // secret the run was started without must not be demanded then. A secret left at its
        // default is the runbook's own text, not a secret: it is kept with the other params.
        let secrets = runbook.params.filter { $0.secret && values[$0.name] != nil && !defaulted.contains($0.name) }.map(\.name)
        return ResolvedParams(values: values, secretNames: Set(secrets))
    }

    private func known(_ names: [String]) -> String {
        names.isEmpty ? "this runbook takes no params" : "its params: \(names.joined(separator: ", "))"
    }

    private func readFile(_ path: String, _ runbook: Runbook, _ ds: inout [Diagnostic], invalid: inout Set<String>,
                          locations: inout [String: SourceLocation]) throws(DiagnosticError) -> [String: Value]
    {
        let node = try YAMLParser().parse(contentsOf: path)
        guard let pairs = node.pairs else {
            throw DiagnosticError(.error("a params file must be a mapping of param name to value, found \(node.kindName)", at: node.location))
        }
        let names = runbook.params.map(\.name)
        var out: [String: Value] = [:]
        for pair in pairs {
            let name = pair.key.text ?? ""
            guard let param = runbook.param(name) else {
                ds.append(.error("unknown param '\(name)' for runbook '\(runbook.name)'", at: pair.key.location,
                                 hint: NearestName.hint(name, among: names) ?? known(names)))
                continue
            }
            locations[name] = pair.value.location
            do throws(Diagnostic) { out[name] = try ParamValueParser.parse(pair.value, as: param) } catch {
                ds.append(error)
                invalid.insert(name)
            }
        }
        return out
    }
}
