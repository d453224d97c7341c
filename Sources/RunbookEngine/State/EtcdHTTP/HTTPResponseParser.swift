import Foundation

/// One HTTP/1.1 response, whole.
struct HTTPResponse: Sendable, Hashable {
    var status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    var headers: [String: String]
    var body: [UInt8]
    /// False when the server said it closes the connection (or framed the body by closing it).
    var keepAlive: Bool
}

/// Reads one HTTP/1.1 response from bytes as they arrive from a socket: the status line and
/// headers, then a body framed by `Content-Length` or by chunked transfer encoding (etcd's
/// gateway sends unary answers with a length and streamed ones, like `lease/keepalive`,
/// chunked). A body past `cap` bytes is an error as soon as its framing says so, so a broken or
/// hostile server cannot make the client hold unbounded memory.
struct HTTPResponseParser {
    /// The largest body accepted.
    let cap: Int
    /// The largest status line plus headers accepted (etcd's are a few hundred bytes).
    static let headCap = 64 * 1024

    private enum Stage: Equatable {
        case head
        /// Body bytes still to come: the whole body (Content-Length) or one chunk.
        case data(Int, chunked: Bool)
        case chunkSize, chunkEnd, trailers, untilClose, done
    }

    private var stage = Stage.head
    private var buffer: [UInt8] = []
    private var position = 0
    private var status = 0
    private var headers: [String: String] = [:]
    private var keepAlive = true
    private var body: [UInt8] = []

    init(cap: Int) { self.cap = cap }

    /// Takes the next bytes; returns the response once it is complete.
    /// - Throws: `HTTPFailure.malformed` or `.tooLarge`.
    mutating func feed(_ bytes: ArraySlice<UInt8>) throws(HTTPFailure) -> HTTPResponse? {
        buffer += bytes
        defer { compact() }
        while true {
            switch stage {
            case .head:
                guard let end = find([13, 10, 13, 10]) else {
                    if buffer.count - position > Self.headCap { throw .malformed("headers larger than \(Self.headCap) bytes") }
                    return nil
                }
                try readHead(buffer[position..<end])
                position = end + 4
            case let .data(remaining, chunked):
                let left = take(remaining)
                guard left == 0 else {
                    stage = .data(left, chunked: chunked)
                    return nil
                }
                stage = chunked ? .chunkEnd : .done
            case .chunkSize:
                guard let end = find([13, 10]) else {
                    if buffer.count - position > 1024 { throw .malformed("a chunk size line longer than 1024 bytes") }
                    return nil
                }
                let line = String(decoding: buffer[position..<end], as: UTF8.self)
                position = end + 2
                let digits = line.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
                guard let size = Int(digits, radix: 16), size >= 0 else { throw .malformed("bad chunk size '\(line)'") }
                guard size <= cap - body.count else { throw .tooLarge(cap) }
                stage = size == 0 ? .trailers : .data(size, chunked: true)
            case .chunkEnd:
                guard buffer.count - position >= 2 else { return nil }
                guard buffer[position] == 13, buffer[position + 1] == 10 else { throw .malformed("a chunk not ended by CRLF") }
                position += 2
                stage = .chunkSize
            case .trailers:
                guard let end = find([13, 10]) else { return nil }
                stage = end == position ? .done : .trailers
                position = end + 2
            case .untilClose:
                body += buffer[position...]
                position = buffer.count
                guard body.count <= cap else { throw .tooLarge(cap) }
                return nil
            case .done:
                // Bytes after the response were never asked for: the connection is not reused.
                return HTTPResponse(status: status, headers: headers, body: body, keepAlive: keepAlive && position == buffer.count)
            }
        }
    }

    /// The response when the server closed the connection: complete only if its body was
    /// framed by the close.
    /// - Throws: `HTTPFailure.closed` when the response was cut short.
    mutating func finish() throws(HTTPFailure) -> HTTPResponse {
        guard stage == .untilClose else { throw .closed }
        stage = .done
        return HTTPResponse(status: status, headers: headers, body: body, keepAlive: false)
    }

    private mutating func readHead(_ head: ArraySlice<UInt8>) throws(HTTPFailure) {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let code = Int(statusLine[1]) else {
            throw .malformed("not an HTTP/1.x status line: '\(lines[0].prefix(80))'")
        }
        status = code
        headers = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("a header line without ':'") }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let connection = headers["connection"]?.lowercased()
        keepAlive = statusLine[0] == "HTTP/1.1" ? connection != "close" : connection == "keep-alive"
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            stage = .chunkSize
        } else if let length = headers["content-length"] {
            guard let count = Int(length), count >= 0 else { throw .malformed("bad Content-Length '\(length)'") }
            guard count <= cap else { throw .tooLarge(cap) }
            stage = .data(count, chunked: false)
        } else if (100..<200).contains(code) || code == 204 || code == 304 {
            stage = .done
        } else {
            stage = .untilClose
            keepAlive = false
        }
    }

    /// Moves up to `count` buffered bytes into the body; returns how many are still to come.
    private mutating func take(_ count: Int) -> Int {
        let available = min(count, buffer.count - position)
        body += buffer[position..<(position + available)]
        position += available
        return count - available
    }

    /// Where `pattern` starts in the unread bytes.
    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count - position >= pattern.count else { return nil }
        var index = position
        while index <= buffer.count - pattern.count {
            if buffer[index] == pattern[0], buffer[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    /// Drops bytes already read once they are many (a large body arrives in many reads).
    private mutating func compact() {
        guard position > 64 * 1024 else { return }
        buffer.removeFirst(position)
        position = 0
    }
}
