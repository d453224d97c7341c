import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One address a host name resolved to, copied out of getaddrinfo's list (so the thread that made
/// the list frees it, whether or not anyone still waits for the answer).
struct ResolvedAddress: Sendable {
    var family: Int32
    var socketType: Int32
    var protocolNumber: Int32
    /// The `sockaddr` itself.
    var bytes: [UInt8]
}

/// Resolves a store's host name on a thread of its own and waits no longer than the dial
/// timeout allows: getaddrinfo has no timeout of its own, and a DNS server that does not answer
/// held a command for the resolver's whole retry schedule (5 s per try, per server) before the
/// dial timeout began. etcdctl's `--dial-timeout` covers the lookup too (Go's dialer counts
/// resolution against its timeout).
enum HostResolver {
    typealias Lookup = @Sendable (_ host: String, _ port: String) -> Result<[ResolvedAddress], HTTPFailure>

    /// The addresses of `host`, or `.dialTimeout(seconds)` when none came before `deadline`.
    /// A lookup still running then is left to finish on its own thread; its answer is dropped.
    static func resolve(_ host: String, _ port: String, before deadline: Deadline, seconds: Int,
                        lookup: @escaping Lookup = system) throws(HTTPFailure) -> [ResolvedAddress] {
        let answer = Answer()
        let thread = Thread { answer.set(lookup(host, port)) }
        thread.name = "runbook-resolve"
        thread.start()
        guard let result = answer.wait(milliseconds: deadline.remainingMilliseconds) else { throw .dialTimeout(seconds) }
        return try result.get()
    }

    /// getaddrinfo for TCP, every family.
    static func system(_ host: String, _ port: String) -> Result<[ResolvedAddress], HTTPFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, port, &hints, &list)
        guard resolved == 0, let first = list else {
            return .failure(.dial("cannot resolve \(host): \(String(cString: gai_strerror(resolved)))"))
        }
        defer { freeaddrinfo(first) }
        var addresses: [ResolvedAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next?.pointee {
            next = address.ai_next
            guard let raw = address.ai_addr else { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: raw, count: Int(address.ai_addrlen)))
            addresses.append(ResolvedAddress(family: address.ai_family, socketType: address.ai_socktype,
                                             protocolNumber: address.ai_protocol, bytes: bytes))
        }
        return addresses.isEmpty ? .failure(.dial("cannot resolve \(host): no address")) : .success(addresses)
    }
}

/// The lookup's answer, handed from its thread to the waiting one.
private final class Answer: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var result: Result<[ResolvedAddress], HTTPFailure>?

    func set(_ value: Result<[ResolvedAddress], HTTPFailure>) {
        condition.lock()
        result = value
        condition.signal()
        condition.unlock()
    }

    /// The answer, or nil when none came within `milliseconds`.
    func wait(milliseconds: Int) -> Result<[ResolvedAddress], HTTPFailure>? {
        let end = Date(timeIntervalSinceNow: Double(milliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while result == nil {
            if !condition.wait(until: end) { break }
        }
        return result
    }
}
