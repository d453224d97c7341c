import Foundation
import RunbookYAML

/// Turns a step into what runs: its hosts (`on`), its `for_each` items, its `when`, its rendered
/// commands and texts, and a `use` step's sub-runbook params.
///
/// The one resolution `plan` and `run` share. `plan` calls it with run-time values unknown
/// (`EvaluationContext.allowUnknown`: captures and step statuses render as `<steps.x.…>`
/// placeholders); the engine calls it with them known. A rule changed here changes both, so
/// the plan is what runs.
package struct StepResolver: Sendable {
    var inventory: Inventory
    private let renderer = TemplateRenderer()

    package init(inventory: Inventory) { self.inventory = inventory }

    /// One `for_each` item: its value (what `${{ item }}` is) and how plans and instance keys show it.
    package struct Item: Sendable, Hashable {
        package var value: Value
        /// Secret items show as `***`.
        package var shown: String
    }

    /// One instance of a step: on one host (nil = the machine running `runbook`) for one item.
    package struct Instance: Sendable, Hashable {
        package var host: InventoryHost?
        package var item: Item?
    }

    // MARK: - Hosts

    /// The hosts a step runs on, in order; nil stands for the machine running `runbook` (a step
    /// without `on`, or `on: local`/`localhost` when the inventory has no such host).
    ///
    /// An `on` that renders empty or names nothing in the inventory is an error: a step meant
    /// for a remote host never falls back to this machine. At plan time an `on` that depends on a
    /// value known only at run time yields one stand-in host named by its placeholder.
    /// - Throws: `Diagnostic` at the `on`.
    func hosts(of step: Step, in context: EvaluationContext) throws(Diagnostic) -> [InventoryHost?] {
        guard let on = step.on else { return [nil] }
        let rendered = try renderer.render(on, in: context, mode: .text)
        let name = rendered.text.trimmingCharacters(in: .whitespaces)
        // A placeholder, also one passed into a sub-runbook as a param value (`who: <steps.x.outputs.host>`).
        if rendered.hasRunTimeValues || context.allowUnknown && name.hasPrefix("<") && name.hasSuffix(">") {
            return [InventoryHost(name: rendered.redacted, transport: .local)]
        }
        if name.isEmpty {
            throw .error("'on: \(on.raw)' is empty: a step with 'on' never runs on this machine instead", at: on.location,
                         hint: "give it a host or group of the inventory, or remove 'on' to run the step here")
        }
        if let host = inventory.host(name) { return [host] }
        if let members = inventory.members(of: name) {
            guard !members.isEmpty else {
                throw .error("group '\(name)' has no hosts", at: on.location, hint: "add hosts to it in the inventory")
            }
            return members
        }
        if name == "localhost" || name == "local" { return [nil] }
        if let (group, index) = Self.indexed(name), let members = inventory.members(of: group) {
            guard members.indices.contains(index) else {
                throw .error("'\(name)': group '\(group)' has \(members.count) host\(members.count == 1 ? "" : "s"), so index \(index) is out of range",
                             at: on.location)
            }
            return [members[index]]
        }
        let candidates = inventory.hosts.map(\.name) + inventory.groups.keys
        let hint = inventory.hosts.isEmpty ? "pass an inventory with --inventory FILE"
            : NearestName.hint(name.split(separator: "[").first.map(String.init) ?? name, among: candidates)
        throw .error("'on: \(rendered.redacted)' is not a host or group of the inventory", at: on.location, hint: hint)
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

    // MARK: - Items

    /// The `for_each` items, nil without `for_each`.
    ///
    /// A list of templates: one item each (a lone `${{ }}` keeps its type, other text is a string).
    /// One expression: a list gives its items, null gives none, a string (a capture) gives its
    /// whitespace-separated words. At plan time an expression known only at run time gives one
    /// stand-in item `<item of …>`.
    /// - Throws: `Diagnostic` when the expression is neither, or cannot be evaluated.
    func items(of step: Step, in context: EvaluationContext) throws(Diagnostic) -> [Item]? {
        guard let forEach = step.forEach else { return nil }
        switch forEach.items {
        case .list(let templates):
            var items: [Item] = []
            for t in templates {
                let (value, rendered) = try self.value(of: t, in: context)
                items.append(Item(value: value, shown: rendered.redacted))
            }
            return items
        case .expression(let t):
            let (value, rendered) = try self.value(of: t, in: context)
            if rendered.hasRunTimeValues {
                let shown = "<item of \(rendered.redacted.dropFirst().dropLast())>"
                return [Item(value: .string(shown), shown: shown)]
            }
            let secret = !rendered.secrets.isEmpty
            let values: [Value]
            switch value {
            case .list(let list): values = list
            case .null: values = []
            case .string(let s): values = s.split(whereSeparator: \.isWhitespace).map { .string(String($0)) }
            default: throw .error("for_each must be a list, found \(value.typeName)", at: t.location)
            }
            return values.map { Item(value: $0, shown: secret ? "***" : $0.description) }
        }
    }

    /// Hosts × items, in order (hosts resolved before items, so `item` cannot choose hosts).
    package func instances(of step: Step, in context: EvaluationContext) throws(Diagnostic) -> [Instance] {
        let hosts = try hosts(of: step, in: context)
        var first = context
        first.host = hosts.first ?? nil
        guard let items = try items(of: step, in: first) else { return hosts.map { Instance(host: $0, item: nil) } }
        return hosts.flatMap { host in items.map { Instance(host: host, item: $0) } }
    }

    /// The context one instance's templates see.
    func context(_ context: EvaluationContext, for instance: Instance) -> EvaluationContext {
        var c = context
        c.host = instance.host
        c.item = instance.item?.value
        return c
    }

    // MARK: - when

    /// The step's `when` for one instance: true (no `when`, or it holds), false (skip), or nil
    /// when it depends on a value known only at run time (plan only). Only booleans are
    /// conditions: the string "true" is not.
    /// - Throws: `Diagnostic` when it is not a boolean or cannot be evaluated.
    package func when(of step: Step, in context: EvaluationContext) throws(Diagnostic) -> Bool? {
        guard let when = step.when else { return true }
        return try ExpressionEvaluator(context: context).evaluateCondition(when)
    }

    // MARK: - Rendering

    /// A command as `/bin/sh` runs it (values shell-quoted).
    package func command(_ template: Template, in context: EvaluationContext) throws(Diagnostic) -> TemplateRenderer.Rendered {
        try renderer.render(template, in: context, mode: .shell)
    }

    /// A path, message or file content (values inserted as they are).
    package func text(_ template: Template, in context: EvaluationContext) throws(Diagnostic) -> TemplateRenderer.Rendered {
        try renderer.render(template, in: context, mode: .text)
    }

    /// `archive`: the `tar` command the engine runs and the plan shows (every word single-quoted,
    /// secrets redacted in `redacted`).
    package func archiveCommand(paths: [Template], to: Template, in context: EvaluationContext) throws(Diagnostic)
        -> TemplateRenderer.Rendered
    {
        var parts = [try text(to, in: context)]
        for p in paths { parts.append(try text(p, in: context)) }
        func line(_ words: [String]) -> String { (["tar", "czf"] + words).map(Self.quote).joined(separator: " ") }
        return TemplateRenderer.Rendered(text: line(parts.map(\.text)), redacted: line(parts.map(\.redacted)),
                                         secrets: parts.flatMap(\.secrets), hasRunTimeValues: parts.contains { $0.hasRunTimeValues })
    }

    /// One shell word: `'…'` with each `'` written `'\''`.
    static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A template's value: a lone `${{ … }}` keeps its type (a list stays a list); anything else is text.
    func value(of template: Template, in context: EvaluationContext) throws(Diagnostic) -> (Value, TemplateRenderer.Rendered) {
        let rendered = try renderer.render(template, in: context, mode: .text)
        if template.segments.count == 1, case .expression(let e, _, let at) = template.segments[0] {
            let result = try ExpressionEvaluator(context: context).evaluateDetailed(e, at: at)
            if let v = result.value { return (v, rendered) }
        }
        return (.string(rendered.text), rendered)
    }

    // MARK: - use

    /// A `use` step's sub-runbook, found where `UseResolver` resolved it (beside the parent file),
    /// else by name.
    package static func subRunbook(_ reference: String, from parentFile: String, in runbooks: [String: Runbook]) -> Runbook? {
        if let r = runbooks[UseResolver.path(of: reference, from: parentFile)] { return r }
        if let r = runbooks[reference] { return r }
        var name = reference.split(separator: "/").last.map(String.init) ?? reference
        if name.hasSuffix(".yaml") { name.removeLast(5) }
        return runbooks[name]
    }

    /// The params a `use` step passes to its sub-runbook: defaults, then the `with` values,
    /// typed by the sub-runbook's declarations. A lone `${{ }}` keeps its type when it fits the
    /// param (a list for a list param); text, and a string for a non-string param, is parsed as
    /// `--param` text would be (`3` for an int, `true` for a bool, `a,b` for a list). At plan time
    /// a value known only at run time stays its placeholder.
    /// - Returns: the values and the names of the params that are secret (declared, or fed by a secret).
    /// - Throws: `Diagnostic` at the `with` value when it does not fit, or a required param is missing.
    package func subRunbookParams(_ use: Use, of sub: Runbook, in context: EvaluationContext) throws(Diagnostic)
        -> (values: [String: Value], secrets: Set<String>)
    {
        var values: [String: Value] = [:]
        var secrets = Set(sub.params.filter(\.secret).map(\.name))
        for p in sub.params { if let d = p.defaultValue { values[p.name] = d } }
        for (name, template) in use.with {
            let (value, rendered) = try self.value(of: template, in: context)
            if !rendered.secrets.isEmpty { secrets.insert(name) }
            guard let param = sub.param(name), !rendered.hasRunTimeValues else {
                values[name] = value
                continue
            }
            values[name] = try Self.typed(value, as: param, at: template.location)
        }
        let missing = sub.params.filter { $0.required && values[$0.name] == nil }.map(\.name)
        if !missing.isEmpty {
            throw .error("sub-runbook '\(sub.name)' needs param\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))",
                         at: use.location, hint: "pass \(missing.count == 1 ? "it" : "them") with 'with:'")
        }
        return (values, secrets)
    }

    private static func typed(_ value: Value, as param: Param, at location: SourceLocation) throws(Diagnostic) -> Value {
        switch (param.kind, value) {
        case (.list, .list), (.int, .int), (.bool, .bool), (.string, .string): return value
        case (.string, _): return .string(value.description)
        case (_, .string(let text)): return try ParamValueParser.parse(text, as: param, at: location)
        default:
            throw .error("param '\(param.name)' of the sub-runbook is \(param.kind == .int ? "an" : "a") \(param.kind.rawValue), found \(value.typeName)",
                         at: location)
        }
    }
}
