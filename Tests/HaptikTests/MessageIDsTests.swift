import Dispatch
import Haptik
import Synchronization
import Testing

struct MessageIDsTests {
    @Test func startsAtOneAndCountsUp() {
        let ids = MessageIDs()
        #expect((0..<5).map { _ in ids.take() } == [1, 2, 3, 4, 5])
    }

    @Test(arguments: [0, 42, 1_000_000])
    func startsWhereToldTo(first: Int) {
        let ids = MessageIDs(startingAt: first)
        #expect(ids.take() == first)
        #expect(ids.take() == first + 1)
    }

    @Test func concurrentTakesAreUniqueAndIncreasingPerThread() {
        let ids = MessageIDs(startingAt: 100)
        let threads = 8
        let perThread = 5_000
        let taken = Mutex<[[Int]]>(Array(repeating: [], count: threads))
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var mine: [Int] = []
            mine.reserveCapacity(perThread)
            for _ in 0..<perThread { mine.append(ids.take()) }
            taken.withLock { $0[thread] = mine }
        }
        let all = taken.withLock { $0 }
        for (thread, mine) in all.enumerated() {
            #expect(mine.count == perThread)
            #expect(zip(mine, mine.dropFirst()).allSatisfy { $0 < $1 }, "thread \(thread) saw ids go backwards")
        }
        #expect(all.joined().sorted() == Array(100..<(100 + threads * perThread)))
        #expect(ids.take() == 100 + threads * perThread)
    }
}
