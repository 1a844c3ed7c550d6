/// Names a file's type from its first bytes (magic numbers), whatever it was called or declared.
public enum FileSniffer {
    /// `png`, `jpeg`, `gif`, `webp`, `pdf`, or nil.
    public static func type(of leadingBytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            leadingBytes.count >= offset + prefix.count && Array(leadingBytes[offset..<(offset + prefix.count)]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "gif" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "webp" }
        if starts(Array("%PDF-".utf8)) { return "pdf" }
        return nil
    }

    /// The sniffed type an extension claims, for `extension_mismatch`; nil when it claims none.
    static func type(ofExtension fileExtension: String) -> String? {
        switch fileExtension.lowercased() {
        case "png": "png"
        case "jpg", "jpeg": "jpeg"
        case "gif": "gif"
        case "webp": "webp"
        case "pdf": "pdf"
        default: nil
        }
    }
}
