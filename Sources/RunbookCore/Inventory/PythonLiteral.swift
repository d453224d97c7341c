import RunbookYAML

/// Ansible types INI inventory values with Python's `ast.literal_eval`, keeping the text when it
/// is not a literal: `5` is an int, `'5'` a string, `True` a bool, `[{'a': 1}]` a list of maps,
/// `1, 2` a list, while `true`, `0123` and `hello world` stay strings.
///
/// This reads the literals an inventory can hold: ints (decimal, `0x`, `0o`, `0b`, `_`), signed
/// numbers, strings (all quote forms, prefixes, escapes, adjacent concatenation), `True`, `False`,
/// `None`, lists, tuples, sets and dicts, with `#` comments. Floats and complex numbers have no
/// `Value`: a value holding one stays text (the documented difference from Ansible).
enum PythonLiteral {
    /// The value `text` stands for, or the text itself.
    static func value(_ text: String) -> Value {
        var p = Parser(Array(text.unicodeScalars))
        guard let v = p.top(), p.atEnd else { return .string(text) }
        return v
    }

    /// Deeper nesting is not a literal (Python refuses ~200 levels too); keeps the parser's recursion bounded.
    static let maxDepth = 100

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var depth = 0

        init(_ s: [Unicode.Scalar]) { self.s = s }

        var atEnd: Bool { mutating get { skipBlank(); return i == s.count } }

        mutating func skipBlank() {
            while i < s.count {
                if s[i] == " " || s[i] == "\t" || s[i] == "\u{0C}" { i += 1 }
                else if s[i] == "#" { i = s.count }
                else { break }
            }
        }

        mutating func eat(_ c: Unicode.Scalar) -> Bool {
            skipBlank()
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }

        /// A bare `a, b` at the top is a tuple.
        mutating func top() -> Value? {
            guard let first = element() else { return nil }
            guard eat(",") else { return first }
            var items = [first]
            while !atEnd {
                guard let v = element() else { return nil }
                items.append(v)
                if !eat(",") { break }
            }
            return .list(items)
        }

        mutating func element() -> Value? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= PythonLiteral.maxDepth else { return nil }
            skipBlank()
            guard i < s.count else { return nil }
            switch s[i] {
            case "[": i += 1; return sequence(closing: "]").map(Value.list)
            case "(":
                i += 1
                if eat(")") { return .list([]) }
                guard let first = element() else { return nil }
                if eat(")") { return first }  // parentheses, not a tuple
                guard eat(",") else { return nil }
                return sequence(closing: ")").map { .list([first] + $0) }
            case "{": i += 1; return braces()
            case "-", "+":
                let negative = s[i] == "-"
                i += 1
                skipBlank()
                guard i < s.count, s[i].properties.numericType != nil || s[i] == "." else { return nil }
                switch number() {
                case .int(let n)?: return .int(negative ? -n : n)
                case .string(let float)?: return .string(negative ? "-" + float : float)
                default: return nil
                }
            default:
                if s[i].properties.numericType != nil || s[i] == "." { return number() }
                if let v = string() { return v }
                return name()
            }
        }

        mutating func sequence(closing: Unicode.Scalar) -> [Value]? {
            var items: [Value] = []
            while true {
                if eat(closing) { return items }
                guard let v = element() else { return nil }
                items.append(v)
                if eat(closing) { return items }
                guard eat(",") else { return nil }
            }
        }

        /// `{}` is a dict; `{a, b}` a set (a list here); `{k: v}` a dict.
        mutating func braces() -> Value? {
            if eat("}") { return .map([:]) }
            guard let first = element() else { return nil }
            guard eat(":") else {
                if eat("}") { return .list([first]) }
                guard eat(",") else { return nil }
                return sequence(closing: "}").map { .list([first] + $0) }
            }
            var m: [String: Value] = [:]
            var key = first
            while true {
                guard let v = element() else { return nil }
                m[key.description] = v
                if eat("}") { return .map(m) }
                guard eat(",") else { return nil }
                if eat("}") { return .map(m) }
                guard let k = element(), eat(":") else { return nil }
                key = k
            }
        }

        mutating func name() -> Value? {
            var j = i
            while j < s.count, s[j].properties.isAlphabetic || s[j] == "_" || s[j].properties.numericType != nil { j += 1 }
            let word = String(String.UnicodeScalarView(s[i..<j]))
            let v: Value
            switch word {
            case "True": v = .bool(true)
            case "False": v = .bool(false)
            case "None": v = .null
            default: return nil
            }
            i = j
            return v
        }

        /// Python's integer literals; a float stays its text (there is no float `Value`); a complex number is not read.
        mutating func number() -> Value? {
            var j = i
            while j < s.count, s[j].properties.isAlphabetic || s[j].properties.numericType != nil || s[j] == "_" || s[j] == "." {
                // The sign of an exponent belongs to the number (`1e-5`).
                if (s[j] == "e" || s[j] == "E"), j + 1 < s.count, s[j + 1] == "-" || s[j + 1] == "+" { j += 1 }
                j += 1
            }
            var word = String(String.UnicodeScalarView(s[i..<j])).lowercased()
            if !word.hasPrefix("0x"), word.contains(where: { $0 == "." || $0 == "e" }) {
                let text = String(String.UnicodeScalarView(s[i..<j]))
                guard !word.contains("__"), Double(String(word.filter { $0 != "_" })) != nil else { return nil }
                i = j
                return .string(text)
            }
            guard !word.hasPrefix("_"), !word.hasSuffix("_"), !word.contains("__") else { return nil }
            var radix = 10
            for (prefix, r) in [("0x", 16), ("0o", 8), ("0b", 2)] where word.hasPrefix(prefix) {
                radix = r
                word = String(word.dropFirst(2))
                if word.hasPrefix("_") { word.removeFirst() }
            }
            word.removeAll { $0 == "_" }
            // Decimal literals may not start with 0 unless they are all zeros (Python 3).
            if radix == 10, word.count > 1, word.hasPrefix("0"), word.contains(where: { $0 != "0" }) { return nil }
            guard !word.isEmpty, word.allSatisfy(\.isASCII), let n = Int(word, radix: radix) else { return nil }
            i = j
            return .int(n)
        }

        /// One or more adjacent string literals, concatenated (`'a' "b"` is `ab`).
        mutating func string() -> Value? {
            var out = ""
            var any = false
            var sawBytes: Bool? = nil
            while true {
                skipBlank()
                let save = i
                var raw = false, bytes = false
                while i < s.count, "rRbBuU".unicodeScalars.contains(s[i]), i - save < 2 {
                    if s[i] == "r" || s[i] == "R" { raw = true }
                    if s[i] == "b" || s[i] == "B" { bytes = true }
                    i += 1
                }
                guard i < s.count, s[i] == "'" || s[i] == "\"" else {
                    i = save
                    break
                }
                if let sawBytes, sawBytes != bytes { return nil }  // bytes and str do not concatenate
                sawBytes = bytes
                guard let part = quoted(raw: raw) else { return nil }
                out += part
                any = true
            }
            return any ? .string(out) : nil
        }

        mutating func quoted(raw: Bool) -> String? {
            let q = s[i]
            let triple = i + 2 < s.count && s[i + 1] == q && s[i + 2] == q
            i += triple ? 3 : 1
            var out = String.UnicodeScalarView()
            while i < s.count {
                let c = s[i]
                if c == q, !triple || (i + 2 < s.count && s[i + 1] == q && s[i + 2] == q) {
                    i += triple ? 3 : 1
                    return String(out)
                }
                if c == "\\", i + 1 < s.count {
                    if raw {
                        out.append(c)
                        out.append(s[i + 1])
                        i += 2
                        continue
                    }
                    i += 1
                    guard let e = escape() else { return nil }
                    out.append(contentsOf: e.unicodeScalars)
                    continue
                }
                out.append(c)
                i += 1
            }
            return nil
        }

        /// After a backslash: Python's string escapes; an unknown one keeps its backslash.
        mutating func escape() -> String? {
            let c = s[i]
            i += 1
            switch c {
            case "\\": return "\\"
            case "'": return "'"
            case "\"": return "\""
            case "a": return "\u{07}"
            case "b": return "\u{08}"
            case "f": return "\u{0C}"
            case "n": return "\n"
            case "r": return "\r"
            case "t": return "\t"
            case "v": return "\u{0B}"
            case "x": return hex(2)
            case "u": return hex(4)
            case "U": return hex(8)
            case "0"..."7":
                var v = c.value - 48
                var n = 1
                while n < 3, i < s.count, ("0"..."7").contains(s[i]) { v = v * 8 + s[i].value - 48; i += 1; n += 1 }
                return Unicode.Scalar(v).map { String(Character($0)) }
            default: return "\\" + String(Character(c))
            }
        }

        mutating func hex(_ n: Int) -> String? {
            guard i + n <= s.count else { return nil }
            let digits = String(String.UnicodeScalarView(s[i..<(i + n)]))
            guard let v = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(v) else { return nil }
            i += n
            return String(Character(scalar))
        }
    }
}
