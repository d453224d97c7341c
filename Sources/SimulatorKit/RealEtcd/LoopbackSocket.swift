import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One TCP socket to an IPv4 address and port, for the real etcd members' loopback addresses:
/// whether `bind` (the address is free) or `connect` (a member accepts) succeeds on it.
package enum LoopbackSocket {
    /// Runs `call` (`bind` or `connect`) on a fresh socket for `address:port`; true when it returns 0.
    package static func succeeds(address: String, port: UInt16,
                         _ call: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &sin.sin_addr) == 1 else { return false }
        return withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
