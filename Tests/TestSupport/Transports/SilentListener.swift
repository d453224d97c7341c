#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP socket listening on 127.0.0.1 that never accepts and never speaks: a client's connect
/// succeeds (the kernel completes the handshake into the backlog) and then nothing ever comes,
/// like a blackholed ssh host, without leaving this machine.
public final class SilentListener: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    private let fd: Int32
    /// Connections that fill the backlog (`fillBacklog`).
    private var fillers: [Int32] = []

    /// Binds a free port on 127.0.0.1.
    /// - Parameter backlog: how many handshakes the kernel completes before anyone accepts.
    public init(backlog: Int32 = 16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ListenerError.socket(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else {
            close(fd)
            throw ListenerError.socket(errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a client connected (takes that connection off the backlog); never blocks.
    public func acceptPending() -> Bool {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let connection = accept(fd, nil, nil)
        guard connection >= 0 else { return false }
        close(connection)
        return true
    }

    /// Connects until the backlog is full: from then on the kernel drops a client's SYN, so its
    /// connect never completes, like a host whose packets are dropped (a dial timeout).
    /// Linux admits backlog + 1 handshakes; `count` (3) is more than a backlog of 0 or 1 takes.
    public func fillBacklog(count: Int = 3) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        for _ in 0..<count {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard filler >= 0 else { continue }
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(filler)
            // The handshakes the backlog admits complete before the next connect (loopback: at once).
            var entry = pollfd(fd: filler, events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, 200)
        }
    }

    deinit {
        for filler in fillers { close(filler) }
        close(fd)
    }

    /// The socket could not be set up.
    public enum ListenerError: Error { case socket(Int32) }
}
