/// Command-line flags parsed the way cobra/pflag and GNU getopt do: `--flag value`, `--flag=value`,
/// `-f value`, boolean `--flag` or `--flag=false`, positionals anywhere, `--` ends flags.
struct Arguments {
    var positionals: [String] = []
    var values: [String: String] = [:]
    /// Flags given more than once, in order (e.g. `-e` for scripts).
    var repeated: [String: [String]] = [:]

    /// Describes a flag: its names (`["n", "namespace"]`, the first is the key) and whether it takes a value.
    struct Spec {
        var names: [String]
        var takesValue: Bool
        init(_ names: String..., value: Bool = true) {
            self.names = names
            takesValue = value
        }
    }

    /// Parses; returns the unknown or malformed flag's message on failure.
    static func parse(_ args: [String], _ specs: [Spec]) -> Result<Arguments, ArgumentError> {
        var result = Arguments()
        var i = 0
        func spec(_ name: String) -> Spec? { specs.first { $0.names.contains(name) } }
        while i < args.count {
            let a = args[i]
            i += 1
            if a == "--" { result.positionals += args[i...]; break }
            guard a.hasPrefix("-"), a.count > 1 else { result.positionals.append(a); continue }
            let body = a.hasPrefix("--") ? String(a.dropFirst(2)) : String(a.dropFirst())
            var name = body, inline: String?
            if let eq = body.firstIndex(of: "=") {
                name = String(body[..<eq])
                inline = String(body[body.index(after: eq)...])
            } else if !a.hasPrefix("--"), body.count > 1, let s = spec(String(body.prefix(1))), s.takesValue {
                name = String(body.prefix(1))
                inline = String(body.dropFirst())
            }
            guard let s = spec(name) else { return .failure(.unknown(a.hasPrefix("--") ? "--" + name : "-" + name)) }
            let key = s.names[0]
            if s.takesValue {
                if let inline { result.set(key, inline); continue }
                guard i < args.count else { return .failure(.missingValue(a)) }
                result.set(key, args[i])
                i += 1
            } else {
                result.set(key, inline ?? "true")
            }
        }
        return .success(result)
    }

    mutating func set(_ key: String, _ value: String) {
        values[key] = value
        repeated[key, default: []].append(value)
    }

    /// A boolean flag's value (absent: false).
    func flag(_ key: String) -> Bool { values[key].map { $0 == "true" || $0 == "1" } ?? false }
    subscript(_ key: String) -> String? { values[key] }
}

/// Why flags could not be parsed.
enum ArgumentError: Error {
    case unknown(String)
    case missingValue(String)

    /// pflag's wording.
    var message: String {
        switch self {
        case .unknown(let f): f.hasPrefix("--") ? "unknown flag: \(f)" : "unknown shorthand flag: '\(f.dropFirst())' in \(f)"
        case .missingValue(let f): "flag needs an argument: \(f)"
        }
    }
}
