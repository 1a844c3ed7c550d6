import Haptik
import HTTP1

/// `GET /content/<name>`: a stored upload, sent from the file without copying it through Swift.
struct ContentEndpoint: Sendable {
    let store: FileStore

    /// The open file to send and its type, or nil for a 404.
    func open(name: String) -> (fd: Int32, size: Int, contentType: String)? {
        guard let (fd, size) = store.openStored(name: name) else { return nil }
        let fileExtension = name.split(separator: ".").last ?? ""
        return (fd, size, ContentTypes.forExtension(fileExtension))
    }
}
