import Foundation

/// haproxy's configuration: written at creation, parsed when haproxy (re)starts.
enum Haproxy {
    static func config(masters: [SimHost]) -> String {
        """
        # Global settings
        #---------------------------------------------------------------------
        global
            maxconn     20000
            log         /dev/log local0 info
            chroot      /var/lib/haproxy
            pidfile     /var/run/haproxy.pid
            user        haproxy
            group       haproxy
            daemon

            # turn on stats unix socket
            stats socket /var/lib/haproxy/stats

        #---------------------------------------------------------------------
        # common defaults that all the 'listen' and 'backend' sections will
        # use if not designated in their block
        #---------------------------------------------------------------------
        defaults
            mode                    http
            log                     global
            option                  httplog
            option                  dontlognull
            option                  forwardfor except 127.0.0.0/8
            option                  redispatch
            retries                 3
            timeout http-request    10s
            timeout queue           1m
            timeout connect         10s
            timeout client          300s
            timeout server          300s
            timeout http-keep-alive 10s
            timeout check           10s
            maxconn                 20000

        listen stats
            bind :9000
            mode http
            stats enable
            stats uri /

        frontend  atomic-openshift-api
            bind *:8443
            default_backend mgmt8443
            mode tcp
            option tcplog

        backend mgmt8443
            balance source
            mode tcp
            # MASTERS 8443
        \(masters.map { "    server \($0.name) \($0.ip):8443 check" }.joined(separator: "\n"))

        """
    }

    /// The `server` entries of every backend section, as `name address`.
    /// - Throws: `SimError.usage` with haproxy's wording when a server line is malformed.
    static func backends(_ text: String) throws(SimError) -> [String] {
        var inBackend = false
        var servers: [String] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if !raw.hasPrefix(" "), !raw.hasPrefix("\t") {
                inBackend = words.first == "backend"
                continue
            }
            if inBackend, words.first == "server" {
                guard words.count >= 3 else {
                    throw SimError.usage("[ALERT] parsing [/etc/haproxy/haproxy.cfg:\(number + 1)] : 'server' expects <name> and <addr>[:<port>] as arguments.")
                }
                servers.append("\(words[1]) \(words[2])")
            }
        }
        return servers
    }
}
