import Synchronization

/// Every request to the upload endpoint, oldest first, bounded: past `capacity` the oldest entries
/// are dropped and counted. Shared by all workers: one short critical section per append.
public final class UploadJournal: Sendable {
    private struct State {
        /// A ring: `entries[start...]` then `entries[..<start]` once full.
        var entries: [JournalEntry] = []
        var start = 0
        var dropped = 0
        var nextID = 1
        /// Stored files of entries dropped from the journal, by session, so a reset still deletes them.
        var droppedFiles: [(session: String?, name: String)] = []

        var ordered: [JournalEntry] { Array(entries[start...]) + entries[..<start] }
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let waiters = Atomic<Int>(0)
    private let onAppendWhileWaited: @Sendable () -> Void

    /// - Parameters:
    ///   - capacity: entries kept (`--max-journal-entries`).
    ///   - onAppendWhileWaited: called after an append while someone waits (``beginWaiting()``),
    ///     from the appending thread; it must only signal.
    public init(capacity: Int, onAppendWhileWaited: @escaping @Sendable () -> Void = {}) {
        self.capacity = max(1, capacity)
        self.onAppendWhileWaited = onAppendWhileWaited
    }

    /// Adds an entry, giving it the next id, and returns that id.
    @discardableResult
    public func append(_ entry: consuming JournalEntry) -> Int {
        var entry = entry   // moved, not copied: the caller gives the entry up
        let id = state.withLock { state in
            entry.id = state.nextID
            state.nextID += 1
            if state.entries.count < capacity {
                state.entries.append(entry)
            } else {
                if let name = state.entries[state.start].storedName {
                    state.droppedFiles.append((state.entries[state.start].session, name))
                }
                state.entries[state.start] = entry
                state.start = (state.start + 1) % capacity
                state.dropped += 1
            }
            return entry.id
        }
        if waiters.load(ordering: .relaxed) > 0 { onAppendWhileWaited() }
        return id
    }

    /// The entries matching `filter`, oldest first, and how many entries were ever dropped.
    public func entries(matching filter: JournalFilter) -> (entries: [JournalEntry], dropped: Int) {
        state.withLock { state in
            var matches: [JournalEntry] = []
            for entry in state.ordered where filter.matches(entry) {
                matches.append(entry)
                if let limit = filter.limit, matches.count >= limit { break }
            }
            return (matches, state.dropped)
        }
    }

    /// How many entries match `filter` (ignoring its limit).
    public func count(matching filter: JournalFilter) -> Int {
        state.withLock { state in state.ordered.reduce(0) { $0 + (filter.matches($1) ? 1 : 0) } }
    }

    public func entry(id: Int) -> JournalEntry? {
        state.withLock { state in state.entries.first { $0.id == id } }
    }

    /// Removes every entry (and zeroes `dropped`), or only `session`'s; returns the stored file
    /// names of what was removed, for the caller to delete. Ids keep increasing.
    public func removeAll(session: String?) -> [String] {
        state.withLock { state in
            let ordered = state.ordered
            let removed = ordered.filter { session == nil || $0.session == session }
            state.entries = ordered.filter { session != nil && $0.session != session }
            state.start = 0
            if session == nil { state.dropped = 0 }
            let droppedFiles = state.droppedFiles.filter { session == nil || $0.session == session }
            state.droppedFiles.removeAll { session == nil || $0.session == session }
            return removed.compactMap(\.storedName) + droppedFiles.map(\.name)
        }
    }

    /// Marks that a request waits for entries, so appends call `onAppendWhileWaited`.
    public func beginWaiting() { waiters.wrappingAdd(1, ordering: .relaxed) }

    public func endWaiting() { waiters.wrappingSubtract(1, ordering: .relaxed) }
}

/// Which journal entries a query wants (CONTRACT §7): exact matches on the text of each field,
/// ANDed; entries after `since`; at most `limit`.
public struct JournalFilter: Sendable, Equatable {
    public var status: String?
    public var clientID: String?
    public var authID: String?
    public var messageType: String?
    public var session: String?
    public var since: Int?
    public var limit: Int?

    public init(status: String? = nil, clientID: String? = nil, authID: String? = nil, messageType: String? = nil,
                session: String? = nil, since: Int? = nil, limit: Int? = nil) {
        self.status = status
        self.clientID = clientID
        self.authID = authID
        self.messageType = messageType
        self.session = session
        self.since = since
        self.limit = limit
    }

    public func matches(_ entry: JournalEntry) -> Bool {
        if let status, status != (entry.status.map(String.init) ?? "aborted") { return false }
        if let clientID, clientID != entry.clientID { return false }
        if let authID, authID != entry.authID { return false }
        if let messageType, messageType != entry.messageType { return false }
        if let session, session != entry.session { return false }
        if let since, entry.id <= since { return false }
        return true
    }
}
