#if canImport(Glibc)
    import Glibc
#endif

/// Sets up a thread of the recording path (the recorder and the archive writer): a name that
/// profilers and `top -H` show, and a lower scheduling priority than the proxy's event loops.
///
/// Why lower: on a small machine these threads share the cores with the event loops, and a
/// request that arrives while a frame is being compressed can wait for the compression's time
/// slice (added tail latency). With a higher nice value the scheduler favours the event loops;
/// the recording threads take the idle time in between and their queues absorb the bursts. The
/// cost, measured on 2 cores (Recorder README): when the cores stay saturated the recording
/// threads get too little time and their queues overflow (drops are counted, requests are still
/// served), so `record` leaves the niceness at 0 unless configured.
///
/// ```swift
/// BackgroundThread.configureCurrent(name: "us-archive", niceness: 0)  // first thing on the thread
/// ```
public enum BackgroundThread {
    /// The longest thread name Linux keeps (16 bytes with the terminating NUL).
    public static let maxNameBytes = 15

    /// Names the calling thread (cut to `maxNameBytes`) and adds `niceness` (clamped to 0...19)
    /// to its nice value. Raising the nice value needs no privilege; the thread cannot lower it
    /// again afterwards. Returns false when the priority could not be changed (the thread then
    /// runs at the process's priority, as before).
    @discardableResult
    public static func configureCurrent(name: String, niceness: Int) -> Bool {
        #if os(Linux)
            // Glibc's module map hides pthread_setname_np and gettid (_GNU_SOURCE): the thread's
            // comm file takes the name, and PRIO_PROCESS with id 0 means the calling thread on Linux.
            let short = String(decoding: name.utf8.prefix(maxNameBytes), as: UTF8.self)
            let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
            if fd >= 0 {
                _ = short.withCString { write(fd, $0, strlen($0)) }
                close(fd)
            }
            let step = Int32(min(max(niceness, 0), 19))
            guard step > 0 else { return true }
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            errno = 0
            let current = getpriority(which, 0)
            guard errno == 0 else { return false }
            return setpriority(which, 0, min(19, current + step)) == 0
        #else
            return false
        #endif
    }

    /// The calling thread's nice value (Linux), for tests and diagnostics.
    public static func currentNiceness() -> Int? {
        #if os(Linux)
            errno = 0
            let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            return errno == 0 ? Int(value) : nil
        #else
            return nil
        #endif
    }
}
