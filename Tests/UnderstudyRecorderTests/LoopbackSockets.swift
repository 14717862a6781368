import Foundation

/// The kernel's table of TCP sockets (Linux `/proc/net/tcp` and `tcp6`), for tests that must know
/// how many connections a process opened to a port.
enum LoopbackSockets {
    /// The ports on the other end of every TCP socket connected to local `port`, in any state
    /// (a closed connection stays in TIME_WAIT for a minute): one per connection made to it,
    /// whoever made it (a test compares the sets before and after what it counts).
    /// The tables are read three times and the answers joined: a read of /proc/net/tcp is not
    /// atomic, and while parallel tests open and close sockets it can skip a row (a CI run saw the
    /// proxy's upstream connection missing from one read).
    static func peerPorts(of port: Int) -> Set<Int> {
        var peers = Set<Int>()
        for file in Array(repeating: ["/proc/net/tcp", "/proc/net/tcp6"], count: 3).joined() {
            guard let table = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for row in table.split(separator: "\n").dropFirst() {
                let columns = row.split(separator: " ")
                guard columns.count > 2, let local = portOf(columns[1]), let remote = portOf(columns[2]) else { continue }
                // Both ends are on this machine: the connecting side's row, and the listener's.
                if remote == port { peers.insert(local) }
                if local == port, remote != 0 { peers.insert(remote) }
            }
        }
        return peers
    }

    /// The port of an `ADDRESS:PORT` column (hexadecimal).
    private static func portOf(_ column: Substring) -> Int? {
        column.split(separator: ":").last.flatMap { Int($0, radix: 16) }
    }
}
