import Foundation
import RunbookYAML
import RunbookCore

/// Resolves a step's `on` to the hosts it runs on: a host, every member of a group,
/// `group[i]`, or (no `on`) the local machine.
struct HostResolution: Sendable {
    var inventory: Inventory

    /// nil in the result stands for the local machine (instance keys then carry no host).
    func hosts(for on: Template?, in context: EvaluationContext, renderer: TemplateRenderer) throws(Diagnostic)
        -> [InventoryHost?]
    {
        guard let on else { return [nil] }
        let name = try renderer.render(on, in: context, mode: .text).text.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name == "local" || name == "localhost" && inventory.host(name) == nil { return [nil] }
        if let host = inventory.host(name) { return [host] }
        if let members = inventory.members(of: name) {
            guard !members.isEmpty else {
                throw .error("group '\(name)' has no hosts", at: on.location, hint: "add hosts to it in the inventory")
            }
            return members
        }
        if let (group, index) = Self.indexed(name), let members = inventory.members(of: group) {
            guard members.indices.contains(index) else {
                throw .error("\(name): group '\(group)' has \(members.count) host(s)", at: on.location,
                             hint: "indexes start at 0")
            }
            return [members[index]]
        }
        let known = (inventory.hosts.map(\.name) + inventory.groups.keys.sorted()).prefix(10).joined(separator: ", ")
        throw .error("'\(name)' is neither a host nor a group of the inventory", at: on.location,
                     hint: known.isEmpty ? "pass --inventory FILE" : "known: \(known)")
    }

    /// `masters[0]` -> ("masters", 0).
    static func indexed(_ text: String) -> (String, Int)? {
        guard text.hasSuffix("]"), let open = text.lastIndex(of: "[") else { return nil }
        let group = String(text[..<open])
        guard let index = Int(text[text.index(after: open)..<text.index(before: text.endIndex)]), index >= 0,
            !group.isEmpty
        else { return nil }
        return (group, index)
    }
}

/// Resolves `for_each` into its items.
enum ItemResolution {
    static func items(of forEach: ForEach, in context: EvaluationContext, renderer: TemplateRenderer)
        throws(Diagnostic) -> [Value?]
    {
        switch forEach.items {
        case .list(let templates):
            var items: [Value?] = []
            for t in templates { items.append(.string(try renderer.render(t, in: context, mode: .text).text)) }
            return items
        case .expression(let template):
            let value = try ValueLookup.value(of: template, in: context, renderer: renderer)
            switch value {
            case .list(let list): return list
            case .null: return []
            case .string(let s):
                // A rendered list arrives as words; items are names and never contain spaces.
                return s.split(whereSeparator: \.isWhitespace).map { .string(String($0)) }
            default:
                throw .error("for_each must be a list, got \(value.typeName)", at: template.location)
            }
        }
    }
}
