import Foundation

/// `timedatectl [status]` and `timedatectl set-ntp true|false`, as systemd 219 (RHEL 7) answers
/// them: "NTP enabled" is whether the NTP unit (chronyd, else ntpd) is enabled, "NTP
/// synchronized" whether it runs (the kernel clock is only disciplined while the daemon runs).
/// `set-ntp true` enables and starts that unit; without one installed it fails like
/// systemd-timedated: `Failed to set ntp: NTP not supported.` timedated's `method_set_ntp`
/// does nothing when the unit's enabled state already is the one asked for (so `set-ntp true`
/// does not start an enabled but stopped chronyd), and disabling with no unit succeeds; with
/// no unit `status` says `NTP enabled: n/a` (`can_ntp` false).
enum TimeSyncTool: SimTool {
    static let names = ["timedatectl"]
    /// systemd's /usr/lib/systemd/ntp-units.d order on RHEL 7: chrony first, then ntp.
    static let ntpUnits = ["chronyd", "ntpd"]

    static func run(_ c: ToolContext) throws -> Int32 {
        let words = c.args.filter { !$0.hasPrefix("-") }
        switch words.first ?? "status" {
        case "status":
            let host = try c.view().state.host(c.host)
            let unit = ntpUnits.compactMap { host?.services[$0] }.first
            let enabled = unit == nil ? "n/a" : unit?.enabled == true ? "yes" : "no"
            let synchronized = unit?.active == true ? "yes" : "no"
            c.out("      Local time: Fri 2026-11-27 09:12:31 UTC\n  Universal time: Fri 2026-11-27 09:12:31 UTC\n        RTC time: Fri 2026-11-27 09:12:31\n       Time zone: UTC (UTC, +0000)\n")
            c.out("     NTP enabled: \(enabled)\nNTP synchronized: \(synchronized)\n RTC in local TZ: no\n      DST active: n/a\n")
            return 0
        case "set-ntp":
            guard words.count == 2, let on = ["true": true, "yes": true, "1": true, "false": false, "no": false, "0": false][words[1]] else {
                throw c.fail("Failed to parse NTP setting: \(words.dropFirst().first ?? "")")
            }
            return try c.update { v in
                guard let h = v.state.hostIndex(c.host),
                      let unit = ntpUnits.first(where: { v.state.hosts[h].services[$0] != nil })
                else {
                    if on { throw c.fail("Failed to set ntp: NTP not supported.") }
                    return 0
                }
                if v.state.hosts[h].services[unit]?.enabled == on { return 0 }
                v.state.hosts[h].services[unit]?.enabled = on
                v.state.hosts[h].services[unit]?.active = on
                return 0
            }
        default:
            throw c.fail("Unknown operation \(words[0])")
        }
    }
}
