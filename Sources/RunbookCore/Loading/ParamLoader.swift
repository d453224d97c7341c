import RunbookYAML

/// `params:`: name -> spec, with defaults and enums checked against the type and pattern.
extension RunbookDecoder {
    static let paramKeys = ["type", "required", "default", "pattern", "enum", "secret", "description"]

    /// Every param that could be read; declared names are returned even when their spec has errors,
    /// so references to them are not reported twice.
    mutating func params(from node: Node) -> [Param] {
        guard let pairs = node.pairs else {
            error("expected a mapping of param names to specs for 'params', found \(Self.found(node))", at: node.location,
                  hint: "write 'params:' then one 'name: { type: string }' line per param")
            return []
        }
        var params: [Param] = []
        for pair in pairs {
            guard let name = name(pair.key, rule: .variable, what: "param name") else { continue }
            params.append(param(name, spec: pair.value, at: pair.key.location))
        }
        return params
    }

    private mutating func param(_ name: String, spec: Node, at location: SourceLocation) -> Param {
        var param = Param(name: name, location: location)
        guard let f = fields(spec, of: "param '\(name.clipped)'", allowed: Self.paramKeys) else { return param }
        var typeKnown = true
        if let t = f["type"] {
            if let text = string(t) {
                if let kind = Param.Kind(rawValue: text) {
                    param.kind = kind
                } else {
                    typeKnown = false
                    let kinds = Param.Kind.allCases.map(\.rawValue)
                    error("unknown param type '\(text.clipped)'\(DidYouMean.clause(for: text, among: kinds))", at: t.location,
                          hint: "the types are \(kinds.joined(separator: ", "))")
                }
            } else {
                typeKnown = false
            }
        }
        if let r = f["required"], let b = bool(r) { param.required = b }
        if let s = f["secret"], let b = bool(s) { param.secret = b }
        if let d = f["description"] { param.description = string(d) }
        if let p = f["pattern"] {
            if param.kind == .string || param.kind == .list {
                param.pattern = regex(p)
            } else if typeKnown {
                error("'pattern' applies to string and list params, not \(param.kind.rawValue)", at: f.keyLocation("pattern") ?? p.location)
            }
        }
        guard typeKnown else { return param }
        if let e = f["enum"] {
            if let items = e.items, !items.isEmpty {
                let values = items.compactMap { value($0, of: param, what: "enum value") }
                if values.count == items.count { param.allowed = values }
            } else {
                error("expected a non-empty list of allowed values for 'enum', found \(Self.found(e))", at: e.location)
            }
        }
        if let d = f["default"] {
            if let v = value(d, of: param, what: "default") {
                param.defaultValue = v
                if let allowed = param.allowed, !allowed.contains(v) {
                    error("default \(Self.found(d)) is not one of the allowed values", at: d.location,
                          hint: "allowed: \(allowed.map(\.description).joined(separator: ", "))")
                }
            }
            if param.required, let r = f["required"] {
                error("param '\(name.clipped)' has a default, so it cannot be required", at: r.location,
                      hint: "remove 'required: true' or the default")
            }
        }
        return param
    }

    /// A value of the param's type (for `default` and `enum`), checked against its pattern.
    private mutating func value(_ node: Node, of param: Param, what: String) -> Value? {
        let value: Value?
        switch param.kind {
        case .string:
            value = node.isScalar && !node.isNull ? .string(node.text ?? "") : nil
        case .int:
            value = node.scalarStyle == .plain ? node.text.flatMap(Int.init).map(Value.int) : nil
        case .bool:
            value = node.scalarStyle == .plain && (node.text == "true" || node.text == "false") ? .bool(node.text == "true") : nil
        case .duration:
            value = node.text.flatMap { TimeSpan(parsing: $0) } != nil ? node.text.map(Value.string) : nil
        case .list:
            if let items = node.items, items.allSatisfy({ $0.isScalar && !$0.isNull }) {
                value = .list(items.map { .string($0.text ?? "") })
            } else {
                value = nil
            }
        }
        guard let value else {
            let hint = param.kind == .bool && node.text.map(Self.legacyBooleans.contains) == true ? "write true or false" : nil
            error("\(what) of param '\(param.name)' must be \(Self.article(param.kind)), found \(Self.found(node))",
                  at: node.location, hint: hint)
            return nil
        }
        if let pattern = param.pattern {
            let texts: [String] = if case .list(let l) = value { l.map(\.description) } else { [value.description] }
            for text in texts where !Self.fullMatch(pattern, text) {
                error("\(what) '\(text.clipped)' of param '\(param.name)' does not match its pattern '\(pattern)'", at: node.location)
            }
        }
        return value
    }

    static func article(_ kind: Param.Kind) -> String {
        switch kind {
        case .string: "a string"
        case .int: "an integer"
        case .bool: "true or false"
        case .list: "a list of strings"
        case .duration: "a duration such as 90s or 10m"
        }
    }
}
