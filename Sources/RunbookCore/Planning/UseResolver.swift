import Foundation
import RunbookYAML

/// Finds and loads the sub-runbooks that `use` steps name, checks the params given in `with`,
/// and refuses recursion (`a -> b -> a`), so the engine gets a complete, finite set.
public struct UseResolver {
    /// Loads a runbook file (the loader, injected so this stage does not depend on it).
    public typealias Load = (String) throws(DiagnosticError) -> Runbook

    private let load: Load

    /// A resolver that reads sub-runbooks with `load`.
    public init(load: @escaping Load) { self.load = load }

    /// The file a `use` reference points at: `<dir of parent>/<name>.yaml` for a name, or a path
    /// relative to the parent's directory when it ends in `.yaml`/`.yml` (absolute paths stay as they are).
    public static func path(of reference: String, from parentFile: String) -> String {
        let relative = reference.hasSuffix(".yaml") || reference.hasSuffix(".yml") ? reference : reference + ".yaml"
        if relative.hasPrefix("/") { return relative }
        let dir = (parentFile as NSString).deletingLastPathComponent
        let joined = dir.isEmpty ? relative : (dir as NSString).appendingPathComponent(relative)
        return (joined as NSString).standardizingPath
    }

    /// Every sub-runbook reachable from `runbook`, keyed by `UseResolver.path(of:from:)` of each `use`.
    /// - Throws: `DiagnosticError` with every missing runbook, bad `with` param and recursion.
    public func resolve(_ runbook: Runbook) throws(DiagnosticError) -> [String: Runbook] {
        var found: [String: Runbook] = [:]
        var ds: [Diagnostic] = []
        visit(runbook, chain: [(runbook.name, Self.normal(runbook.file))], found: &found, ds: &ds)
        guard ds.isEmpty else { throw DiagnosticError(ds) }
        return found
    }

    private static func normal(_ path: String) -> String { (path as NSString).standardizingPath }

    private func visit(_ runbook: Runbook, chain: [(name: String, path: String)], found: inout [String: Runbook],
                       ds: inout [Diagnostic]) {
        for step in runbook.steps {
            guard case .use(let use) = step.action else { continue }
            let path = Self.path(of: use.reference, from: runbook.file)
            if chain.contains(where: { $0.path == path }) {
                let names = chain.map(\.name) + [chain.first { $0.path == path }?.name ?? use.reference]
                ds.append(.error("runbook uses itself: \(names.joined(separator: " -> "))", at: use.location,
                                 hint: "a runbook cannot use a runbook that uses it"))
                continue
            }
            let sub: Runbook
            if let known = found[path] {
                sub = known
            } else {
                guard FileManager.default.fileExists(atPath: path) else {
                    ds.append(.error("step '\(step.id)' uses '\(use.reference)', but \(path) does not exist", at: use.location,
                                     hint: "a name is looked up as <dir of this runbook>/<name>.yaml"))
                    continue
                }
                do { sub = try load(path) } catch {
                    ds.append(Diagnostic(.error, "runbook '\(use.reference)' used by step '\(step.id)' has errors", at: use.location,
                                         notes: error.diagnostics.map { .init($0.message, at: $0.location) }))
                    continue
                }
                found[path] = sub
            }
            ds += checkWith(use, sub)
            visit(sub, chain: chain + [(sub.name, path)], found: &found, ds: &ds)
        }
    }

    private func checkWith(_ use: Use, _ sub: Runbook) -> [Diagnostic] {
        var ds: [Diagnostic] = []
        let names = sub.params.map(\.name)
        for (name, value) in use.with where sub.param(name) == nil {
            ds.append(.error("runbook '\(sub.name)' has no param '\(name)'", at: value.location,
                             hint: NearestName.hint(name, among: names) ?? (names.isEmpty ? "it takes no params" : "its params: \(names.joined(separator: ", "))")))
        }
        for param in sub.params where param.required && param.defaultValue == nil && !use.with.contains(where: { $0.name == param.name }) {
            ds.append(Diagnostic(.error, "runbook '\(sub.name)' needs param '\(param.name)'", at: use.location,
                                 hint: "add it under 'with'", notes: [.init("declared here", at: param.location)]))
        }
        return ds
    }
}
