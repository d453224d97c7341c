import Foundation
import RunbookCore

/// The JSON path subset runbooks use: `$.a.b[0].c`, `.a.b`, `$['a-b'][2]`.
struct JSONPath: Sendable, Hashable {
    /// One step down the document.
    enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    var components: [Component]

    /// Parses `path`; nil when it is not in the subset.
    init?(_ path: String) {
        var rest = Substring(path.trimmingCharacters(in: .whitespaces))
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        var components: [Component] = []
        while let c = rest.first {
            if c == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                components.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
            } else if c == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if let i = Int(inside), i >= 0 {
                    components.append(.index(i))
                } else if inside.count >= 2, let q = inside.first, q == "'" || q == "\"", inside.last == q {
                    components.append(.key(String(inside.dropFirst().dropLast())))
                } else {
                    return nil
                }
                rest = rest[rest.index(after: close)...]
            } else if components.isEmpty {
                // `a.b` without the leading `$.`.
                let name = rest.prefix { $0 != "." && $0 != "[" }
                components.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
            } else {
                return nil
            }
        }
        self.components = components
    }

    /// The value at the path in `document` (from `JSONSerialization`), or nil when absent.
    func value(in document: Any) -> Any? {
        var current: Any = document
        for component in components {
            switch component {
            case .key(let k):
                guard let object = current as? [String: Any], let next = object[k] else { return nil }
                current = next
            case .index(let i):
                guard let array = current as? [Any], array.indices.contains(i) else { return nil }
                current = array[i]
            }
        }
        return current
    }

    /// Parses `text` as JSON and returns the value at the path converted to a `Value`.
    /// - Returns: nil when the path is absent; `.failure` when the text is not JSON.
    func lookup(inJSON text: String) -> Result<Value?, JSONPathError> {
        guard let data = text.data(using: .utf8),
            let document = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return .failure(JSONPathError(message: "stdout is not JSON")) }
        return .success(value(in: document).map(Self.convert))
    }

    /// JSON -> `Value`: numbers that are integral become ints, objects become maps.
    static func convert(_ any: Any) -> Value {
        switch any {
        case let s as String: return .string(s)
        case let n as NSNumber:
            // Foundation boxes JSON booleans in a private NSNumber subclass; its name is the only tell on Linux.
            if String(describing: type(of: n)).contains("Boolean") { return .bool(n.boolValue) }
            let objCType = String(cString: n.objCType)
            if objCType != "d", objCType != "f" { return .int(n.intValue) }
            if let i = Int(exactly: n.doubleValue) { return .int(i) }
            return .string("\(n.doubleValue)")
        case let a as [Any]: return .list(a.map(convert))
        case let o as [String: Any]: return .map(o.mapValues(convert))
        default: return .null
        }
    }
}

/// Why a JSON path could not be evaluated.
struct JSONPathError: Error, Sendable, Hashable {
    var message: String
}
