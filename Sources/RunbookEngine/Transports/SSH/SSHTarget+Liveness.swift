import RunbookCore

/// How long ssh may take to connect, and how it notices a peer that went silent: without these,
/// a blackholed host holds a step (and a stop) for minutes.
extension SSHTarget {
    /// The options and their inventory variables, with runbook's defaults.
    static let livenessSettings: [(variable: String, option: String, defaultValue: Int)] = [
        ("ssh_connect_timeout", "ConnectTimeout", 10),
        ("ssh_server_alive_interval", "ServerAliveInterval", 15),
        ("ssh_server_alive_count_max", "ServerAliveCountMax", 3),
    ]

    /// `-o ConnectTimeout=10 -o ServerAliveInterval=15 -o ServerAliveCountMax=3`, each replaced by
    /// its host variable; a variable set to `none` leaves the option to the ssh config. They go
    /// after `ssh_options` on the command line: ssh keeps the first value it reads, so an option
    /// given there also wins.
    /// - Returns: the options, and why a variable could not be used.
    static func livenessOptions(_ vars: [String: Value]) -> (options: [String], problem: String?) {
        var options: [String] = []
        for setting in livenessSettings {
            switch vars[setting.variable] {
            case nil:
                options += ["-o", "\(setting.option)=\(setting.defaultValue)"]
            case .string("none")?:
                continue
            case .int(let seconds)? where seconds > 0:
                options += ["-o", "\(setting.option)=\(seconds)"]
            case .string(let text)? where Int(text).map({ $0 > 0 }) == true:
                options += ["-o", "\(setting.option)=\(text)"]
            case let other?:
                return (options, "\(setting.variable) must be a positive whole number or 'none', not '\(other)'")
            }
        }
        return (options, nil)
    }
}
