import Testing
@testable import RunbookEngine

/// The gateway's answers as bytes, fed whole and one byte at a time (a socket may cut anywhere).
@Suite("HTTP/1.1 answers read from a socket (EtcdHTTPClient)")
struct HTTPResponseParserTests {
    static let header = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"

    /// The response the parser returns for `text`, fed in pieces of `step` bytes; nil while incomplete.
    static func parse(_ text: String, step: Int, cap: Int = 1024) throws(HTTPFailure) -> HTTPResponse? {
        var parser = HTTPResponseParser(cap: cap)
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + step)
            if let response = try parser.feed(bytes[start..<end]) { return response }
            start = end
        }
        return nil
    }

    @Test("a Content-Length body, whole or byte by byte; the connection stays open", arguments: [1, 7, 4096])
    func contentLength(step: Int) throws {
        let response = try #require(try Self.parse(Self.header + "Content-Length: 11\r\n\r\n{\"kvs\":[1]}", step: step))
        #expect(response == HTTPResponse(status: 200, headers: ["content-type": "application/json", "content-length": "11"],
                                         body: Array("{\"kvs\":[1]}".utf8), keepAlive: true))
    }

    @Test("a chunked body (lease/keepalive's stream) with a chunk extension and a trailer", arguments: [1, 5, 4096])
    func chunked(step: Int) throws {
        let text = Self.header + "Transfer-Encoding: chunked\r\n\r\n5;x=y\r\n{\"res\r\n9\r\nult\":{}}\n\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let response = try #require(try Self.parse(text, step: step))
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"result\":{}}\n")
        #expect(response.keepAlive)
    }

    @Test("an answer not complete yet is not returned; one cut short by the close is an error")
    func incomplete() throws {
        var parser = HTTPResponseParser(cap: 1024)
        #expect(try parser.feed(Array((Self.header + "Content-Length: 5\r\n\r\nabc").utf8)[...]) == nil)
        #expect(throws: HTTPFailure.closed) { try parser.finish() }
    }

    @Test("Connection: close, or a body framed by the close, means the connection is not reused")
    func closing() throws {
        let closed = try #require(try Self.parse(Self.header + "Connection: close\r\nContent-Length: 0\r\n\r\n", step: 3))
        #expect(!closed.keepAlive)
        var parser = HTTPResponseParser(cap: 1024)
        #expect(try parser.feed(Array((Self.header + "\r\nuntil the end").utf8)[...]) == nil)
        let untilClose = try parser.finish()
        #expect(String(decoding: untilClose.body, as: UTF8.self) == "until the end")
        #expect(!untilClose.keepAlive)
    }

    @Test("a body past the cap is refused as soon as its framing says so, before it is read")
    func cap() {
        #expect(throws: HTTPFailure.tooLarge(10)) {
            try Self.parse(Self.header + "Content-Length: 11\r\n\r\n", step: 4096, cap: 10)
        }
        #expect(throws: HTTPFailure.tooLarge(10)) {
            try Self.parse(Self.header + "Transfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n", step: 4096, cap: 10)
        }
        #expect(throws: HTTPFailure.tooLarge(10)) { try Self.parse(Self.header + "\r\n" + String(repeating: "x", count: 11), step: 4, cap: 10) }
    }

    @Test("what is not HTTP/1.x is refused")
    func malformed() {
        #expect(throws: HTTPFailure.malformed("not an HTTP/1.x status line: 'SSH-2.0-OpenSSH_9.2'")) {
            try Self.parse("SSH-2.0-OpenSSH_9.2\r\n\r\n", step: 4096)
        }
        #expect(throws: HTTPFailure.malformed("bad chunk size 'zz'")) {
            try Self.parse(Self.header + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", step: 4096)
        }
    }
}
