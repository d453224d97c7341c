import Foundation
import RunbookYAML

/// Resolves a step's `on` to hosts: a host name, a group (every member), or `group[i]`.
enum HostResolver {
    static func hosts(for on: Template?, in context: EvaluationContext, inventory: Inventory) throws(Diagnostic) -> [InventoryHost] {
        guard let on else { return [.local] }
        let rendered = try TemplateRenderer().render(on, in: context, mode: .text)
        let name = rendered.text.trimmingCharacters(in: .whitespaces)
        if let host = inventory.host(name) { return [host] }
        if let members = inventory.members(of: name) {
            guard !members.isEmpty else { throw .error("group '\(name)' has no hosts", at: on.location) }
            return members
        }
        if name == "localhost" || name == "local" { return [.local] }
        if name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
            let group = String(name[..<open])
            let indexText = name[name.index(after: open)..<name.index(before: name.endIndex)]
            if let members = inventory.members(of: group), let i = Int(indexText) {
                guard members.indices.contains(i) else {
                    throw .error("'\(name)': group '\(group)' has \(members.count) host\(members.count == 1 ? "" : "s"), so index \(i) is out of range",
                                 at: on.location)
                }
                return [members[i]]
            }
        }
        let candidates = inventory.hosts.map(\.name) + inventory.groups.keys
        let hint = inventory.hosts.isEmpty ? "pass an inventory with --inventory FILE"
            : NearestName.hint(name.split(separator: "[").first.map(String.init) ?? name, among: candidates)
        throw .error("'on: \(rendered.redacted)' is not a host or group of the inventory", at: on.location, hint: hint)
    }
}

