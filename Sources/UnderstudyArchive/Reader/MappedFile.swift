import Foundation

/// A read-only memory map of a whole file.
final class MappedFile {
    let path: String
    let count: Int
    private let base: UnsafeMutableRawPointer?

    init(path: String) throws(ArchiveError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw .io(path: path, operation: "stat", errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .notASegment(path: path, reason: "it is a directory") }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let pointer = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        if pointer == MAP_FAILED { throw .io(path: path, operation: "map", errno: errno) }
        base = pointer
    }

    deinit { if let base { munmap(base, count) } }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
