/// A value a param, an inventory variable, a capture or an expression can hold.
public enum Value: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([Value])
    case map([String: Value])
    case null

    /// The text a value becomes when it lands in a command (before quoting): lists join with spaces.
    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .list(let l): l.map(\.description).joined(separator: " ")
        case .map(let m): m.keys.sorted().map { "\($0)=\((m[$0] ?? .null).description)" }.joined(separator: " ")
        case .null: ""
        }
    }

    /// The name of the value's type as the format spells it (`string`, `int`, `bool`, `list`, `map`, `null`).
    public var typeName: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .bool: "bool"
        case .list: "list"
        case .map: "map"
        case .null: "null"
        }
    }
}
