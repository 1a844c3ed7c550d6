/// Bytes spelled as lowercase hexadecimal, two digits each, written straight into the string.
enum LowercaseHex {
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 2 * bytes.count) { hex in
            let digits: StaticString = "0123456789abcdef"
            for (index, byte) in bytes.enumerated() {
                hex[2 * index] = digits.utf8Start[Int(byte >> 4)]
                hex[2 * index + 1] = digits.utf8Start[Int(byte & 0x0F)]
            }
            return 2 * bytes.count
        }
    }
}
