import Foundation

/// A route outside the projects made with `oc new-project`, with its TLS settings: the metrics
/// route of `openshift-infra` as openshift-ansible installs it, and routes made with
/// `oc create route` or `oc create -f` (8.1).
public struct SimTLSRoute: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    public var host: String
    public var service: String
    /// `edge`, `passthrough`, `reencrypt`, or empty (plain http).
    public var termination: String
    /// PEM texts as given (`--cert`, `--key`, `--ca-cert`, `--dest-ca-cert`); empty when not set.
    public var certificate: String
    public var key: String
    public var caCertificate: String
    public var destinationCACertificate: String

    /// The routes as installed: openshift-ansible release-3.11's metrics route (`roles/openshift_metrics`,
    /// `templates/route.j2`): reencrypt to the hawkular-metrics service with the hawkular CA as the
    /// destination CA, no certificate of its own (the router's self-signed wildcard is served).
    public static let installed = [
        SimTLSRoute(name: "hawkular-metrics", namespace: "openshift-infra", host: "hawkular-metrics.apps.example.com",
                    service: "hawkular-metrics", termination: "reencrypt", certificate: "", key: "", caCertificate: "",
                    destinationCACertificate: MetricsCertificates.hawkularCA),
    ]
}

/// The self-signed certificates the metrics deployer made (`hawkular-metrics-certs` in openshift-infra).
public enum MetricsCertificates {
    /// A stand-in PEM for the hawkular CA (`ca.crt` of the secret): not a parsable certificate.
    public static let hawkularCA = "-----BEGIN CERTIFICATE-----\nc2ltdWxhdGVkIGhhd2t1bGFyLW1ldHJpY3MgQ0EgKG1ldHJpY3Mtc2lnbmVyKQ==\n-----END CERTIFICATE-----\n"
    static let tlsCert = "-----BEGIN CERTIFICATE-----\nc2ltdWxhdGVkIGhhd2t1bGFyLW1ldHJpY3Mgc2VydmluZyBjZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n"
    static let tlsKey = "-----BEGIN PRIVATE KEY-----\nc2ltdWxhdGVkIGhhd2t1bGFyLW1ldHJpY3Mgc2VydmluZyBrZXk=\n-----END PRIVATE KEY-----\n"

    /// The secret as installed, data base64-encoded.
    public static let secret = SimSecret(
        name: "hawkular-metrics-certs", namespace: "openshift-infra", type: "kubernetes.io/tls",
        data: ["ca.crt": Data(hawkularCA.utf8).base64EncodedString(), "tls.crt": Data(tlsCert.utf8).base64EncodedString(),
               "tls.key": Data(tlsKey.utf8).base64EncodedString()])
}
