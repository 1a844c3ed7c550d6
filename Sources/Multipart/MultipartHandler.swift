/// Receives what ``MultipartParser`` finds, in order: for each part `partStarted`, any number of
/// `partBytes`, then `partEnded`. Byte buffers are borrowed and valid only during the call.
/// An error thrown here stops the parse and reaches the caller of ``MultipartParser/feed(_:to:)``.
public protocol MultipartHandler {
    mutating func partStarted(_ headers: PartHeaders) throws
    mutating func partBytes(_ bytes: UnsafeRawBufferPointer) throws
    mutating func partEnded() throws
}
