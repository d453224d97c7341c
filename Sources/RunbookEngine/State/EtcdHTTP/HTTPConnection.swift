import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One kept-alive HTTP/1.1 connection to `HOST:PORT` over a non-blocking TCP socket, every wait
/// a `poll` bounded by a deadline: connecting by the dial timeout, sending and reading an answer
/// by the request timeout. Not thread-safe: its owner (`EtcdHTTPClient`) holds a lock around it.
final class HTTPConnection {
    let endpoint: String
    /// The socket (-1 once closed); tests check its flags.
    private(set) var descriptor: Int32

    private init(endpoint: String, descriptor: Int32) {
        self.endpoint = endpoint
        self.descriptor = descriptor
    }

    deinit { close() }

    /// Connects to `endpoint` (`HOST:PORT`), trying each address the host resolves to; the dial
    /// timeout bounds the lookup and the connects together.
    /// - Parameter lookup: resolves the host (getaddrinfo; a stand-in in tests).
    /// - Throws: `HTTPFailure.dial` (refused, no such host) or `.dialTimeout`.
    static func open(_ endpoint: String, timeout seconds: Int,
                     lookup: @escaping HostResolver.Lookup = HostResolver.system) throws(HTTPFailure) -> HTTPConnection {
        guard let colon = endpoint.lastIndex(of: ":") else { throw .dial("\(endpoint) is not HOST:PORT") }
        let host = String(endpoint[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let port = String(endpoint[endpoint.index(after: colon)...])
        let deadline = Deadline(seconds: seconds)
        let addresses = try HostResolver.resolve(host, port, before: deadline, seconds: seconds, lookup: lookup)
        var failure = HTTPFailure.dial("\(endpoint): no address")
        for address in addresses {
            do {
                let descriptor = try connect(address, deadline: deadline, seconds: seconds)
                return HTTPConnection(endpoint: endpoint, descriptor: descriptor)
            } catch {
                failure = error
                if case .dialTimeout = error { break }
            }
        }
        throw failure
    }

    private static func connect(_ address: ResolvedAddress, deadline: Deadline, seconds: Int) throws(HTTPFailure) -> Int32 {
        // Close-on-exec: the step commands this process starts must not inherit the connection.
        #if canImport(Glibc)
        let descriptor = socket(address.family, address.socketType | Int32(SOCK_CLOEXEC.rawValue), address.protocolNumber)
        #else
        let descriptor = socket(address.family, address.socketType, address.protocolNumber)
        if descriptor >= 0 { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        #endif
        guard descriptor >= 0 else { throw .dial("socket: \(String(cString: strerror(errno)))") }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        // Each request is written whole in one send; Nagle would only hold back its last segment.
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let started = address.bytes.withUnsafeBytes { raw in
            posixConnect(descriptor, raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if started != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            _ = posixClose(descriptor)
            throw .dial(reason)
        }
        guard wait(descriptor, for: Int16(POLLOUT), until: deadline) else {
            _ = posixClose(descriptor)
            throw .dialTimeout(seconds)
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            _ = posixClose(descriptor)
            throw .dial(String(cString: strerror(error)))
        }
        return descriptor
    }

    /// False when the server closed the connection (or sent what nobody asked for) since the
    /// last answer: a request sent on it would be lost, so it is reopened instead.
    var isUsable: Bool {
        guard descriptor >= 0 else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    /// Sends `request` and reads its answer, both before `timeout` seconds have passed.
    /// - Throws: `HTTPFailure` (`.send` when the request did not leave whole).
    func exchange(_ request: [UInt8], timeout seconds: Int, cap: Int) throws(HTTPFailure) -> HTTPResponse {
        let deadline = Deadline(seconds: seconds)
        try send(request, deadline: deadline, seconds: seconds)
        var parser = HTTPResponseParser(cap: cap)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            guard Self.wait(descriptor, for: Int16(POLLIN), until: deadline) else { throw .answerTimeout(seconds) }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw .closed
            }
            if count == 0 { return try parser.finish() }
            if let response = try parser.feed(chunk[0..<count]) { return response }
        }
    }

    private func send(_ bytes: [UInt8], deadline: Deadline, seconds: Int) throws(HTTPFailure) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                posixSend(descriptor, raw.baseAddress.map { $0 + sent }, bytes.count - sent)
            }
            if count >= 0 {
                sent += count
            } else if errno == EAGAIN || errno == EINTR {
                guard Self.wait(descriptor, for: Int16(POLLOUT), until: deadline) else { throw .send("not sent within \(seconds) s") }
            } else {
                throw .send(String(cString: strerror(errno)))
            }
        }
    }

    func close() {
        guard descriptor >= 0 else { return }
        _ = posixClose(descriptor)
        descriptor = -1
    }

    /// Waits until `descriptor` has `events` (or an error or hang-up to report); false at the deadline.
    private static func wait(_ descriptor: Int32, for events: Int16, until deadline: Deadline) -> Bool {
        while true {
            let remaining = deadline.remainingMilliseconds
            guard remaining > 0 else { return false }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining, Int(Int32.max))))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }
        }
    }
}

/// A point in monotonic time a wait must not pass.
struct Deadline {
    private let end: UInt64

    init(seconds: Int) { end = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds)) * 1_000_000_000 }

    var remainingMilliseconds: Int {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= end ? 0 : Int((end - now + 999_999) / 1_000_000)
    }
}

// The system calls by their module names: inside `HTTPConnection`, `close` and `send` are its own.
#if canImport(Glibc)
private func posixConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>?, _ length: socklen_t) -> Int32 {
    Glibc.connect(descriptor, address, length)
}
private func posixClose(_ descriptor: Int32) -> Int32 { Glibc.close(descriptor) }
/// MSG_NOSIGNAL: a peer that went away is an error to read, not a SIGPIPE that ends the process.
private func posixSend(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    Glibc.send(descriptor, bytes, count, Int32(MSG_NOSIGNAL))
}
#elseif canImport(Darwin)
private func posixConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>?, _ length: socklen_t) -> Int32 {
    Darwin.connect(descriptor, address, length)
}
private func posixClose(_ descriptor: Int32) -> Int32 { Darwin.close(descriptor) }
/// SO_NOSIGPIPE is set on the socket instead of a flag here.
private func posixSend(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    Darwin.send(descriptor, bytes, count, 0)
}
#endif
