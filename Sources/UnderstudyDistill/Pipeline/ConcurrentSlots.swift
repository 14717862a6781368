/// A fixed number of slots that concurrent workers fill, each worker only its own indices: the
/// one shared mutable state of a parallel loop (`DispatchQueue.concurrentPerform`), made
/// explicit. Callers guarantee that no index is touched by two workers.
public final class ConcurrentSlots<Element>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Element>

    public init(repeating value: Element, count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: value)
    }

    deinit {
        _ = storage.deinitialize()
        storage.deallocate()
    }

    public subscript(index: Int) -> Element {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// The slots' values, in index order (read after the workers are done).
    public var elements: [Element] { Array(storage) }
}
