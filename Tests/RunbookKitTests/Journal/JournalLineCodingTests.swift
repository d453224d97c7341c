import Testing
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Journal line coding")
struct JournalLineCodingTests {
    private func roundTrip(_ event: RunEvent) throws -> RunEvent {
        let record = JournalRecord(sequence: 7, timestamp: "t", run: "R", operatorName: "op", event: event,
                                   previousHash: JournalRecord.genesisHash)
        let line = JournalLineEncoder.encode(record)
        let decoded = try JournalLineDecoder().decode(line[...]).get()
        #expect(decoded == record)
        return decoded.event
    }

    @Test("strings are written byte for byte: escapes only where JSON needs them, runs between copied whole")
    func exactEscapes() {
        func written(_ text: String) -> String {
            var writer = JSONWriter()
            writer.value(.string(text))
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        #expect(written("plain") == #""plain""#)
        #expect(written("") == #""""#)
        #expect(written("a\"b\\c\nd\re\tf\u{1}g\u{7F}é 한🚀") == #""a\"b\\c\nd\re\tf\u0001g\u007fé 한🚀""#)
        #expect(written("\"\"") == #""\"\"""#)
    }

    @Test("tricky strings, every exit status and nested outputs survive a round trip")
    func tricky() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{7} del \u{7F} é 한국어 🚀 '${{ x }}'"
        _ = try roundTrip(RunEvent(.note, step: "s[a b]@h", command: text, message: text, path: "/etc/x y"))
        for status in [ExitStatus.exited(0), .exited(-1), .signaled(9), .timedOut, .interrupted] {
            _ = try roundTrip(RunEvent(.attemptFinished, status: status))
        }
        _ = try roundTrip(RunEvent(.stepSucceeded, outputs: [
            "list": .list([.int(-3), .bool(true), .null, .map(["k": .string("v")])]), "empty": .map([:]),
        ]))
    }

    @Test("JSON escapes written by other tools decode (\\u, surrogate pairs, \\/)")
    func foreignEscapes() throws {
        let line = #"{"v":1,"seq":1,"ts":"t","run":"R","operator":"op","event":"note","message":"a\/b \u00e9 \ud83d\ude80","extra":[1,{"x":null}],"prev":"p"}"#
        let record = try JournalLineDecoder().decode(Array(line.utf8)[...]).get()
        #expect(record.event.message == "a/b é 🚀")
    }

    @Test("wrong types, unknown events and trailing garbage are named")
    func problems() {
        func reason(_ line: String) -> String? {
            if case .failure(let p) = JournalLineDecoder().decode(Array(line.utf8)[...]) { return p.reason }
            return nil
        }
        let base = #""ts":"t","run":"R","operator":"op","prev":"p""#
        #expect(reason(#"{"v":"1","seq":1,"event":"note",\#(base)}"#) == "field 'v' has the wrong type")
        #expect(reason(#"{"v":1,"seq":1.5,"event":"note",\#(base)}"#) == "field 'seq' has the wrong type")
        #expect(reason(#"{"v":1,"seq":1,"event":"explode",\#(base)}"#) == "unknown event 'explode'")
        #expect(reason(#"{"v":1,"seq":1,"event":"note","status":"melted",\#(base)}"#) == "unknown exit status 'melted'")
        #expect(reason(#"{"v":1,"seq":1,"event":"note",\#(base)} x"#) == "not valid JSON")
        #expect(reason(#"{"v":1,"seq":1,"event":"note"}"#) == "missing field 'ts'")
    }
}
