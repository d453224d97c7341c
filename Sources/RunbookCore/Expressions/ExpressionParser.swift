import RunbookYAML

/// Parses the text inside `${{ … }}` (or a bare `when:` expression) into an `Expression`.
///
/// Precedence, loosest first: `?:`, `||`, `&&`, `== !=`, `< <= > >=`, `!`, postfix `.name` and
/// `[index]`. Function names and their argument counts are checked here, since a misspelt
/// function is a syntax-level mistake the author should see at validation time.
struct ExpressionParser {
    /// The functions expressions may call, with their argument counts.
    static let functions: [String: Int] = ["join": 2, "length": 1, "contains": 2, "default": 2, "matches": 2]
    /// Deepest nesting of parentheses, lists and operators; deeper input is refused, never a stack overflow.
    static let maxDepth = 64

    private let tokens: [ExpressionToken]
    private var index = 0
    private var depth = 0
    /// Height of the expression the last parse function returned: every node counts, so a chain
    /// (`a && b && …`, `x[0][0]…`, `1 == 1 == …`) is as deep as it is long. The evaluator is
    /// recursive; refusing trees taller than `maxDepth` here means it never runs out of stack.
    private var height = 0

    private init(tokens: [ExpressionToken]) { self.tokens = tokens }

    /// Parses a whole expression.
    /// - Throws: `ExpressionSyntaxError` at the offending offset.
    static func parse(_ text: String) throws(ExpressionSyntaxError) -> Expression {
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokens(text))
        if parser.peek.kind == .end {
            throw ExpressionSyntaxError(message: "empty expression", offset: 0, hint: "write an expression such as params.node")
        }
        let expression = try parser.conditional()
        if parser.peek.kind != .end {
            throw ExpressionSyntaxError(
                message: "unexpected \(parser.peek.display) after the expression", offset: parser.peek.offset)
        }
        return expression
    }

    private var peek: ExpressionToken { tokens[min(index, tokens.count - 1)] }

    private mutating func take(_ symbol: String) -> Bool {
        guard peek.kind == .symbol(symbol) else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ symbol: String, _ what: String) throws(ExpressionSyntaxError) {
        guard take(symbol) else {
            throw ExpressionSyntaxError(message: "expected '\(symbol)' \(what), found \(peek.display)", offset: peek.offset)
        }
    }

    private mutating func nested<T>(_ body: (inout ExpressionParser) throws(ExpressionSyntaxError) -> T) throws(ExpressionSyntaxError) -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth {
            throw ExpressionSyntaxError(message: "expression nested more than \(Self.maxDepth) levels deep", offset: peek.offset)
        }
        return try body(&self)
    }

    /// Records the height of a new node over children of the given heights.
    /// - Throws: `ExpressionSyntaxError` at the current token when the tree gets too tall.
    private mutating func node(over heights: Int...) throws(ExpressionSyntaxError) {
        height = (heights.max() ?? 0) + 1
        if height > Self.maxDepth {
            throw ExpressionSyntaxError(message: "expression nested more than \(Self.maxDepth) levels deep", offset: peek.offset,
                                        hint: "every operator and subscript counts as a level; split the expression")
        }
    }

    private mutating func conditional() throws(ExpressionSyntaxError) -> Expression {
        try nested { (p: inout ExpressionParser) throws(ExpressionSyntaxError) -> Expression in
            let condition = try p.binary(level: 0)
            guard p.take("?") else { return condition }
            let conditionHeight = p.height
            let then = try p.conditional()
            let thenHeight = p.height
            try p.expect(":", "in 'condition ? a : b'")
            let otherwise = try p.conditional()
            try p.node(over: conditionHeight, thenHeight, p.height)
            return .conditional(condition, then, otherwise)
        }
    }

    private static let levels: [[Expression.BinaryOperator]] = [
        [.or], [.and], [.equal, .notEqual], [.less, .lessOrEqual, .greater, .greaterOrEqual],
    ]

    private mutating func binary(level: Int) throws(ExpressionSyntaxError) -> Expression {
        guard level < Self.levels.count else { return try unary() }
        var left = try binary(level: level + 1)
        while case .symbol(let s) = peek.kind, let op = Expression.BinaryOperator(rawValue: s), Self.levels[level].contains(op) {
            index += 1
            let leftHeight = height
            let right = try binary(level: level + 1)
            try node(over: leftHeight, height)
            left = .binary(op, left, right)
        }
        return left
    }

    private mutating func unary() throws(ExpressionSyntaxError) -> Expression {
        if take("!") {
            return try nested { (p: inout ExpressionParser) throws(ExpressionSyntaxError) -> Expression in
                let operand = try p.unary()
                try p.node(over: p.height)
                return .not(operand)
            }
        }
        return try postfix()
    }

    private mutating func postfix() throws(ExpressionSyntaxError) -> Expression {
        var value = try primary()
        while true {
            if take(".") {
                guard case .identifier(let name) = peek.kind else {
                    throw ExpressionSyntaxError(message: "expected a name after '.', found \(peek.display)", offset: peek.offset)
                }
                index += 1
                if case .reference(let path) = value {
                    value = .reference(path + [name])
                } else {
                    try node(over: height, 1)
                    value = .index(value, .literal(.string(name)))
                }
            } else if take("[") {
                let valueHeight = height
                let subscriptValue = try conditional()
                try expect("]", "after the index")
                try node(over: valueHeight, height)
                value = .index(value, subscriptValue)
            } else {
                return value
            }
        }
    }

    private mutating func primary() throws(ExpressionSyntaxError) -> Expression {
        let token = peek
        height = 1
        switch token.kind {
        case .integer(let i):
            index += 1
            return .literal(.int(i))
        case .string(let s):
            index += 1
            return .literal(.string(s))
        case .identifier(let name):
            index += 1
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default: break
            }
            if peek.kind == .symbol("(") { return try call(name, at: token.offset) }
            return .reference([name])
        case .symbol("("):
            index += 1
            let inner = try conditional()
            try expect(")", "to close '('")
            return inner  // parentheses add no node: `height` is the inner expression's
        case .symbol("["):
            index += 1
            // The AST holds list literals as values, so their items must be literals too.
            var items: [Value] = []
            if !take("]") {
                repeat {
                    let itemOffset = peek.offset
                    guard case .literal(let v) = try conditional() else {
                        throw ExpressionSyntaxError(
                            message: "list items must be literals (strings, numbers, true, false, null)", offset: itemOffset)
                    }
                    items.append(v)
                } while take(",")
                try expect("]", "after the list items")
            }
            height = 1
            return .literal(.list(items))
        case .end:
            throw ExpressionSyntaxError(message: "expected a value, found the end of the expression", offset: token.offset)
        default:
            throw ExpressionSyntaxError(message: "expected a value, found \(token.display)", offset: token.offset)
        }
    }

    private mutating func call(_ name: String, at offset: Int) throws(ExpressionSyntaxError) -> Expression {
        guard let arity = Self.functions[name] else {
            let known = Self.functions.keys.sorted()
            let hint = DidYouMean.suggestion(for: name, among: known).map { "did you mean '\($0)'?" }
                ?? "the functions are \(known.joined(separator: ", "))"
            throw ExpressionSyntaxError(message: "unknown function '\(name.clipped)'", offset: offset, hint: hint)
        }
        index += 1
        var arguments: [Expression] = []
        var tallest = 0
        if !take(")") {
            repeat {
                arguments.append(try conditional())
                tallest = max(tallest, height)
            } while take(",")
            try expect(")", "after arguments")
        }
        try node(over: tallest)
        guard arguments.count == arity else {
            throw ExpressionSyntaxError(
                message: "\(name) takes \(arity) argument\(arity == 1 ? "" : "s"), found \(arguments.count)", offset: offset)
        }
        return .call(name, arguments)
    }
}
