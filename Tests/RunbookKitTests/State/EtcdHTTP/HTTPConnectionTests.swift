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
}
