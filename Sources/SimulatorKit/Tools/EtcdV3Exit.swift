/// How etcdctl v3 ends on an error, as etcd v3.2.22 does it.
///
/// `etcdctl/ctlv3/command/error.go` `ExitWithError` prints `fmt.Fprintln(os.Stderr, "Error: ", err)`:
/// the label's own space plus Println's separator, so the message follows **two** spaces. Each
/// call site picks one of the codes below; the simulator names the same one at the same place so a
/// runbook that tells them apart (a connection failure is 2, an argument error 128) sees real ones.
enum EtcdV3Exit: Int32 {
    /// `ExitError`: the request failed (server errors such as `etcdserver: unhealthy cluster`).
    case error = 1
    /// `ExitBadConnection`: `mustClient` could not connect (`context deadline exceeded`).
    case badConnection = 2
    /// `ExitInvalidInput`.
    case invalidInput = 3
    /// `ExitBadFeature`: a valid flag with an unsupported value (`--write-out`).
    case badFeature = 4
    /// `ExitBadArgs`: wrong arguments, found before any connection.
    case badArgs = 128
}

extension ToolContext {
    /// etcdctl v3's `ExitWithError(code, message)`: `Error:  MESSAGE` on stderr, exit `code`.
    func etcdV3Exit(_ message: String, _ code: EtcdV3Exit = .error) -> ToolExit {
        fail("Error:  " + message, code: code.rawValue)
    }

    /// A flag or command cobra (vendored by etcd v3.2.22) refuses before etcdctl runs: cobra's own
    /// `Error: MESSAGE` line (one space, `c.Println("Error:", …)`), an empty line where it prints
    /// the usage string (etcdctl's usage function writes the usage to stdout itself, not
    /// reproduced here, so the string cobra prints is empty), then `ExitWithError(ExitError, …)`
    /// from `ctlv3.Start`.
    func etcdV3CobraExit(_ message: String, hint: String? = nil) -> ToolExit {
        err("Error: \(message)\n" + (hint.map { $0 + "\n" } ?? "\n"))
        return etcdV3Exit(message)
    }
}
