import NIOCore
import Testing
import UnderstudyRecorder

/// The upstream side's write batching: what reaches the upstream channel and when it is flushed.
/// A request that was never flushed would sit in the proxy until the upstream times out; a flush
/// with nothing new is a wasted pass down the pipeline on every client read.
struct UpstreamRequestGathererTests {
    /// Records what reaches the channel: "write BYTES", "writeAndFlush BYTES" or "flush".
    final class Channel: UpstreamRequestSink {
        var events: [String] = []
        /// Runs once inside the next send, after it is recorded: NIO calling back into the
        /// connection from within a write (a close after a failed write, a read before it).
        var duringNextSend: (() -> Void)?

        func send(_ buffer: ByteBuffer, flush: Bool) {
            events.append((flush ? "writeAndFlush " : "write ") + String(buffer: buffer))
            let reentry = duringNextSend
            duringNextSend = nil
            reentry?()
        }

        func flushWritten() {
            events.append("flush")
        }
    }

    @Test func aRequestReachesTheUpstreamAtTheFlushAsOneBuffer() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        writes.start(ByteBuffer(string: "HEAD|"))
        writes.write(ByteBuffer(string: "body"), to: channel)
        #expect(channel.events.isEmpty, "gathered until the flush")
        writes.flush(to: channel)
        #expect(channel.events == ["writeAndFlush HEAD|body"])
    }

    @Test func aSecondFlushWithNothingNewDoesNotFlush() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        writes.flush(to: channel)
        writes.start(ByteBuffer(string: "HEAD|"))
        writes.flush(to: channel)
        writes.flush(to: channel)
        #expect(channel.events == ["writeAndFlush HEAD|"])
        #expect(!writes.needsFlush)
    }

    @Test func aWriteAfterAFlushIsFlushedByTheNextFlush() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        writes.start(ByteBuffer(string: "HEAD|"))
        writes.flush(to: channel)
        writes.write(ByteBuffer(string: "late body"), to: channel)
        #expect(writes.needsFlush)
        writes.flush(to: channel)
        writes.flush(to: channel)
        #expect(channel.events == ["writeAndFlush HEAD|", "write late body", "flush"])
    }

    @Test func writesOverTheGatherLimitPassAndAreStillFlushed() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        let big = String(repeating: "b", count: UpstreamRequestGatherer.gatherLimit)
        writes.start(ByteBuffer(string: "HEAD|"))
        writes.write(ByteBuffer(string: "small|"), to: channel)
        writes.write(ByteBuffer(string: big), to: channel)
        #expect(channel.events == ["write HEAD|small|", "write " + big], "the gathered bytes first, then the big one")
        writes.flush(to: channel)
        #expect(channel.events.last == "flush")
        writes.flush(to: channel)
        #expect(channel.events.count == 3)
    }

    @Test func bytesThatWaitedForTheConnectionAreFlushedOnce() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        writes.pass(ByteBuffer(string: "HEAD|"), to: channel)
        writes.pass(ByteBuffer(string: "body"), to: channel)
        writes.flush(to: channel)
        writes.flush(to: channel)
        #expect(channel.events == ["write HEAD|", "write body", "flush"])
    }

    @Test func unsentBytesAreHandedOverOnceForAReplay() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        writes.start(ByteBuffer(string: "HEAD|"))
        writes.write(ByteBuffer(string: "body"), to: channel)
        #expect(writes.takeUnsent().map { String(buffer: $0) } == "HEAD|body")
        #expect(writes.takeUnsent() == nil)
        #expect(channel.events.isEmpty)
    }

    /// A write that fails at once makes NIO close the upstream channel inside the send, and the
    /// connection's close takes the unsent bytes from the gatherer while it is still sending (a
    /// crash when the gatherer was a struct property of the connection, with run-time exclusivity
    /// checks). The bytes in flight are not handed out again, and the next request starts clean.
    @Test func aSinkThatClosesWhileBeingSentToGetsTheBytesOnce() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        var takenOnClose: [String?] = []
        channel.duringNextSend = { takenOnClose.append(writes.takeUnsent().map { String(buffer: $0) }) }
        writes.start(ByteBuffer(string: "HEAD|"))
        writes.write(ByteBuffer(string: "body"), to: channel)
        writes.flush(to: channel)
        #expect(channel.events == ["writeAndFlush HEAD|body"])
        #expect(takenOnClose == [nil], "nothing left unsent to replay: the bytes went out once")
        #expect(!writes.needsFlush)
        writes.start(ByteBuffer(string: "NEXT|"))
        writes.flush(to: channel)
        #expect(channel.events == ["writeAndFlush HEAD|body", "writeAndFlush NEXT|"])
    }

    /// NIO reads before it closes: inside a send the upstream's answer can end, and the proxy then
    /// starts the client's next pipelined request on the same connection and flushes it, all
    /// within the first request's send. Both requests leave, each once, in order.
    @Test func theNextRequestStartedInsideASendLeavesAfterIt() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        channel.duringNextSend = {
            writes.start(ByteBuffer(string: "NEXT|"))
            writes.flush(to: channel)
        }
        writes.start(ByteBuffer(string: "HEAD|"))
        writes.write(ByteBuffer(string: "body"), to: channel)
        writes.flush(to: channel)
        #expect(channel.events == ["writeAndFlush HEAD|body", "writeAndFlush NEXT|"])
        #expect(!writes.needsFlush, "nothing left waiting for a flush")
        #expect(writes.takeUnsent() == nil)
    }

    /// A flush asked for inside an unflushed send (bytes that waited for the connection) sends
    /// those bytes on at once, instead of leaving them in the channel until the next client read.
    @Test func aFlushInsideAnUnflushedSendFlushesItsBytes() {
        let channel = Channel()
        let writes = UpstreamRequestGatherer()
        channel.duringNextSend = { writes.flush(to: channel) }
        writes.pass(ByteBuffer(string: "HEAD|"), to: channel)
        #expect(channel.events == ["write HEAD|", "flush"])
        #expect(!writes.needsFlush)
    }
}
