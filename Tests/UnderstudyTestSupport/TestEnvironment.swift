import Foundation

/// Where the things an end-to-end test needs live: the repository, the release binary that
/// `tools/setup` builds, and the project's Python in `.venv`.
public enum TestEnvironment {
    /// The repository root, found from this file's location.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The `understudy` binary: `$UNDERSTUDY_BIN`, else the build of the configuration these tests
    /// were compiled in (`swift test` → debug, `swift test -c release` → release), else the other one.
    /// Matching the configuration matters: a release binary left from an earlier build would
    /// otherwise be tested in place of the code a debug `swift test` just built.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["UNDERSTUDY_BIN"] { return URL(fileURLWithPath: path) }
        #if DEBUG
            let configurations = ["debug", "release"]
        #else
            let configurations = ["release", "debug"]
        #endif
        for configuration in configurations {
            let url = repositoryRoot.appendingPathComponent(".build/\(configuration)/understudy")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/\(configurations[0])/understudy")
    }

    /// The project's Python interpreter in `.venv`.
    public static var python: URL { repositoryRoot.appendingPathComponent(".venv/bin/python") }

    /// A fresh directory under the system's temporary directory, removed by the caller.
    public static func temporaryDirectory(_ name: String = "understudy-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
