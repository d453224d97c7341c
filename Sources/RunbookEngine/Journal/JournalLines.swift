/// A journal file cut into lines, remembering whether the last one lacks its newline.
struct JournalLines {
    /// The file's bytes.
    let bytes: [UInt8]
    /// Byte ranges of each line, without the newline.
    let ranges: [Range<Int>]
    /// True when the last range has no newline after it: the writer died mid-line.
    let lastLineUnterminated: Bool

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(bytes.count / 200 + 1)
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            for i in 0..<buffer.count where buffer[i] == 0x0A {
                ranges.append(start..<i)
                start = i + 1
            }
        }
        lastLineUnterminated = start < bytes.count
        if lastLineUnterminated { ranges.append(start..<bytes.count) }
        self.ranges = ranges
    }

    /// The bytes of line `index` (0-based).
    subscript(index: Int) -> ArraySlice<UInt8> { bytes[ranges[index]] }

    var count: Int { ranges.count }
}
