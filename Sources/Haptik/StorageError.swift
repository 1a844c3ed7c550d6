/// A failure to write an upload to the storage directory.
public enum StorageError: Error, Equatable, Sendable {
    /// No space left on the device (or quota exhausted): 507.
    case full
    /// Any other failure, with what failed: 500.
    case failed(String)

    public var status: Int {
        switch self {
        case .full: 507
        case .failed: 500
        }
    }

    public var message: String {
        switch self {
        case .full: "insufficient storage: no space left to store the file"
        case .failed(let what): "cannot store the file: \(what)"
        }
    }

    /// What failed, without the answer's preamble: for start-up messages.
    public var detail: String {
        switch self {
        case .full: "no space left on the device"
        case .failed(let what): what
        }
    }

    public var reason: String {
        switch self {
        case .full: "storage_full"
        case .failed: "storage_failed"
        }
    }
}
