import Foundation
import Testing
import TestSupport
@testable import RunbookEngine
#if canImport(Glibc)
import Glibc
#endif

/// The socket under `EtcdHTTPClient`.
@Suite("HTTP connection to an etcd member (EtcdHTTPClient)")
struct HTTPConnectionTests {
    @Test("the socket is close-on-exec: a step command this process starts does not inherit the store's connection")
    func closeOnExec() throws {
        let listener = try SilentListener()
        let connection = try HTTPConnection.open("127.0.0.1:\(listener.port)", timeout: 1)
        defer { connection.close() }
        #expect(fcntl(connection.descriptor, F_GETFD) & FD_CLOEXEC != 0)
        #expect(connection.isUsable, "an open connection nobody wrote to can take a request")
    }

    @Test("a name that does not resolve is a dial failure naming it")
    func unresolvable() {
        #expect(throws: HTTPFailure.self) { try HTTPConnection.open("no-such-host.invalid:2379", timeout: 1) }
    }

    /// getaddrinfo has no timeout: a DNS server that did not answer held the command for the
    /// resolver's whole retry schedule, the dial timeout not yet started.
    @Test("a lookup that does not answer ends at the dial timeout, as a dial timeout")
    func silentResolver() {
        let gate = DispatchSemaphore(value: 0)
        defer { gate.signal() }
        do {
            _ = try HTTPConnection.open("store.example.com:2379", timeout: 1) { _, _ in
                gate.wait()
                return .failure(.dial("answered after all"))
            }
            Issue.record("expected a dial timeout")
        } catch {
            #expect(error == .dialTimeout(1))
            #expect(error.description == "no connection within 1 s (dial timeout)")
        }
    }

    @Test("the addresses a lookup returns are tried in order: a refused one, then one that listens")
    func addressesInOrder() throws {
        let listener = try SilentListener()
        let refused = try HostResolver.system("127.0.0.1", "1").get()
        let listening = try HostResolver.system("127.0.0.1", String(listener.port)).get()
        let connection = try HTTPConnection.open("store.example.com:\(listener.port)", timeout: 5) { host, _ in
            #expect(host == "store.example.com")
            return .success(refused + listening)
        }
        defer { connection.close() }
        #expect(connection.isUsable)
    }
}
