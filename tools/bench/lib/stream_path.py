#!/usr/bin/env python3
"""Splits each stream's latency into the hops of its path, from tools/bench/stream-path's perf trace.

    stream_path.py WORK MODE MOCK_PID RECORD_PID LOADGEN_PID STREAMS_IN_TRACE

WORK holds trace.txt (`perf script` of syscalls and sched events), fds.txt (pid fd socket-inode),
tcp.txt (/proc/net/tcp) and tids.txt (pid tid comm). RECORD_PID is 0 for MODE direct.

Per stream (one request on one keep-alive connection: the load generator sends a connection's next
request only after the previous response ended, so everything between two sends on a connection
belongs to one stream): send -> the loop's read of the request -> its write upstream -> the loop's
last upstream read -> its last client write -> the load generator's last receive. Times are
syscall entries/exits (µs); tracing slows each traced syscall, so absolute figures are high, and
the comparison between builds or settings is what they are for.

The loop's wake-ups: from sched_wakeup of an event-loop thread to its sched_switch in, with the
task that had the core before it (what it waited behind), summed per stream.
"""
import collections
import re
import statistics
import sys

work, mode = sys.argv[1], sys.argv[2]
mock_pid, record_pid, loadgen_pid = int(sys.argv[3]), int(sys.argv[4]) or None, int(sys.argv[5])
streams_in_trace = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0


def port(hex_address):
    return int(hex_address.split(":")[1], 16)


ports_of_inode = {}
for line in open(f"{work}/tcp.txt").readlines()[1:]:
    fields = line.split()
    ports_of_inode[int(fields[9])] = (port(fields[1]), port(fields[2]))
ports = {}  # (pid, fd) -> (local port, remote port)
for line in open(f"{work}/fds.txt"):
    pid, fd, inode = map(int, line.split())
    if inode in ports_of_inode:
        ports[(pid, fd)] = ports_of_inode[inode]
pid_of, name_of = {}, {}
for line in open(f"{work}/tids.txt"):
    pid, tid, name = line.split(None, 2)
    pid_of[int(tid)], name_of[int(tid)] = int(pid), name.strip()

EVENT = re.compile(r"^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$")
calls, wakeups, switches, pending = [], [], [], {}
for line in open(f"{work}/trace.txt"):
    m = EVENT.match(line)
    if not m:
        continue
    tid, cpu, ts, event, args = int(m.group(2)), int(m.group(3)), float(m.group(4)) * 1e6, m.group(5), m.group(6)
    if event.startswith("syscalls:sys_enter_"):
        if tid in pid_of:
            pending[tid] = (event[len("syscalls:sys_enter_"):], int(re.search(r"fd: (0x[0-9a-f]+)", args).group(1), 16), ts)
    elif event.startswith("syscalls:sys_exit_"):
        if tid in pending:
            op, fd, entered = pending.pop(tid)
            ret = int(args.split()[0], 0)
            calls.append((entered, ts, tid, op, fd, ret if ret < 1 << 63 else ret - (1 << 64)))
    elif event == "sched:sched_wakeup":
        wakeups.append((ts, int(re.search(r"pid=(\d+)", args).group(1))))
    elif event == "sched:sched_switch":
        switches.append((ts, int(re.search(r"prev_pid=(\d+)", args).group(1)),
                         re.search(r"prev_comm=(.*?) prev_pid", args).group(1), int(re.search(r"next_pid=(\d+)", args).group(1))))


def label(tid, comm):
    """Who had the core: the path's own threads by role, others by name."""
    if not tid:
        return "idle"
    pid = pid_of.get(tid)
    if pid == record_pid:
        return "record loop" if name_of[tid].startswith("NIO-ELT") else name_of[tid]
    return {mock_pid: "mock", loadgen_pid: "load generator"}.get(pid, comm)


def sockets(pid):
    return {fd: pair for (p, fd), pair in ports.items() if p == pid}


by_call = collections.defaultdict(list)  # (pid, fd) -> its calls, in order
for call in calls:
    by_call[(pid_of[call[2]], call[4])].append(call)
loadgen = sockets(loadgen_pid)
listen_port = collections.Counter(remote for _, remote in loadgen.values()).most_common(1)[0][0]
record = sockets(record_pid) if record_pid else {}
client_fd_of = {remote: fd for fd, (local, remote) in record.items() if local == listen_port}
upstream_fds = {fd for fd, (local, remote) in record.items() if listen_port not in (local, remote)}

# Which upstream connection serves which client connection: the upstream write that follows a
# client read on the loop.
upstream_of = {}
if record_pid:
    votes, last_client = collections.Counter(), {}
    for _, _, tid, op, fd, ret in calls:
        if pid_of[tid] != record_pid:
            continue
        if op == "read" and ret > 0 and fd in client_fd_of.values():
            last_client[tid] = fd
        elif op == "write" and fd in upstream_fds and tid in last_client:
            votes[(last_client.pop(tid), fd)] += 1
    for (client, upstream), _ in votes.most_common():
        if client not in upstream_of and upstream not in upstream_of.values():
            upstream_of[client] = upstream


def within(lst, start, end, op):
    return [c for c in lst if start <= c[0] < end and c[3] == op and c[5] > 0]


hops, reads_per_stream = collections.defaultdict(list), []
for fd, (local, _) in loadgen.items():
    if _ != listen_port:
        continue
    mine = by_call[(loadgen_pid, fd)]
    sends = [c for c in mine if c[3] == "sendto" and c[5] > 0]
    client = client_fd_of.get(local)
    upstream = upstream_of.get(client)
    if record_pid and upstream is None:
        continue
    for this, following in zip(sends, sends[1:]):
        window = (this[0], following[0])
        receives = within(mine, *window, "recvfrom")
        if not receives:
            continue
        stream = {"total (send -> last receive)": receives[-1][1] - this[0]}
        if record_pid:
            c, u = by_call[(record_pid, client)], by_call[(record_pid, upstream)]
            request, up, down, out = within(c, *window, "read"), within(u, *window, "write"), within(u, *window, "read"), within(c, *window, "write")
            if not (request and up and down and out):
                continue
            stream.update({
                "send -> loop reads request": request[0][1] - this[0],
                "loop: request read -> upstream write": up[0][1] - request[0][1],
                "upstream round trip (loop's view)": down[-1][1] - up[0][1],
                "loop: last upstream read -> client write": out[-1][1] - down[-1][1],
                "client write -> last receive": receives[-1][1] - out[-1][1],
            })
            reads_per_stream.append(len(down))
        for hop, value in stream.items():
            hops[hop].append(value)


def quantiles(values):
    values = sorted(values)
    return f"p50 {values[len(values) // 2]:8.1f}  p90 {values[int(len(values) * 0.9)]:8.1f}  mean {statistics.mean(values):8.1f}"


if hops:
    print(f"{mode}: {len(hops['total (send -> last receive)'])} streams traced"
          + (f", {statistics.mean(reads_per_stream):.1f} upstream reads each" if reads_per_stream else ""))
    for hop, values in hops.items():
        print(f"  {hop:42s} {quantiles(values)} µs")

# The loop's wake-ups: how long each waited for a core, and behind what.
loop_tids = {t for t, name in name_of.items() if pid_of[t] == record_pid and name.startswith("NIO-ELT")}
if loop_tids:
    woken, waits, behind = {}, [], collections.Counter()
    events = sorted([(ts, 0, tid, None, None) for ts, tid in wakeups if tid in loop_tids]
                    + [(ts, 1, nxt, prev, comm) for ts, prev, comm, nxt in switches])
    for ts, kind, tid, prev, comm in events:
        if kind == 0:
            woken.setdefault(tid, ts)
        elif tid in woken:
            wait = ts - woken.pop(tid)
            waits.append(wait)
            behind[label(prev, comm)] += wait
    if waits:
        print(f"  loop wake-ups: {len(waits)}, wait for a core {quantiles(waits)} µs")
        per = (lambda v: f"{v / streams_in_trace:.1f} µs/stream") if streams_in_trace else (lambda v: f"{v / 1000:.2f} ms")
        recording = sum(v for k, v in behind.items() if k.startswith("us-"))
        print(f"  loop waited behind: recording threads {per(recording)}; "
              + ", ".join(f"{k} {per(v)}" for k, v in behind.most_common(6)))
