import Foundation

/// JUnit XML for CI systems: one `testsuite`, one `testcase` per scenario, a `failure` with every
/// expectation that did not hold.
public enum JUnitReport {
    /// The XML document.
    public static func xml(_ outcomes: [ScenarioOutcome]) -> String {
        let failures = outcomes.filter { !$0.passed }.count
        let total = outcomes.reduce(0) { $0 + $1.seconds }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\"runbook test\" tests=\"\(outcomes.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(seconds(total))\">\n"
        for o in outcomes {
            out += "  <testcase classname=\"\(escape(o.scenario.file))\" name=\"\(escape(o.scenario.name))\" time=\"\(seconds(o.seconds))\""
            if o.passed { out += "/>\n"; continue }
            out += ">\n    <failure message=\"\(escape(o.failures.first ?? ""))\">"
            out += escape((o.failures + ["run: \(o.runID ?? "none"), kept in \(o.workDirectory)"]).joined(separator: "\n"))
            out += "</failure>\n  </testcase>\n"
        }
        return out + "</testsuite>\n"
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    /// XML text and attribute escaping; control characters XML 1.0 cannot carry are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
