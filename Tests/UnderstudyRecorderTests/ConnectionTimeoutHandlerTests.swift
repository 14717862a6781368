import NIOCore
import NIOEmbedded
import Testing
import UnderstudyRecorder

struct ConnectionTimeoutHandlerTests {
    func makeChannel() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(
            handler: ConnectionTimeoutHandler(headerTimeout: .seconds(2), idleTimeout: .seconds(30)), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, loop)
    }

    @Test func trickledHeadersAreCutAfterTheHeaderTimeout() throws {
        let (channel, loop) = try makeChannel()
        try channel.writeInbound(ByteBuffer(string: "POST /v1/chat/completions HTTP/1.1\r\n"))
        loop.advanceTime(by: .seconds(1))
        try channel.writeInbound(ByteBuffer(string: "Host: x\r\n"))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1100))
        #expect(!channel.isActive)
    }

    @Test func aRequestWhoseHeadArrivedIsNotTimedOut() throws {
        let (channel, loop) = try makeChannel()
        try channel.writeInbound(ByteBuffer(string: "POST / HTTP/1.1\r\n\r\n"))
        channel.pipeline.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.requestHeadReceived, promise: nil)
        loop.advanceTime(by: .seconds(25))
        #expect(channel.isActive)
        channel.pipeline.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.responseCompleted, promise: nil)
        loop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func keepAliveRequestsMoveTheIdleDeadlineAndTheLastOneCounts() throws {
        let (channel, loop) = try makeChannel()
        // Requests every 5 s for a minute: never idle for 30 s, never closed.
        for _ in 0..<12 {
            try channel.writeInbound(ByteBuffer(string: "POST / HTTP/1.1\r\n\r\n"))
            channel.pipeline.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.requestHeadReceived, promise: nil)
            loop.advanceTime(by: .seconds(1))
            channel.pipeline.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.responseCompleted, promise: nil)
            loop.advanceTime(by: .seconds(4))
            #expect(channel.isActive)
        }
        // Then idle: closed 30 s after the last response, not earlier.
        loop.advanceTime(by: .seconds(25))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
        // A new request head started on another connection still gets the header timeout.
        let (other, otherLoop) = try makeChannel()
        try other.writeInbound(ByteBuffer(string: "POST / HTTP/1.1\r\n\r\n"))
        other.pipeline.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.requestHeadReceived, promise: nil)
        otherLoop.advanceTime(by: .seconds(1))
        other.pipeline.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.responseCompleted, promise: nil)
        try other.writeInbound(ByteBuffer(string: "POST / HT"))
        otherLoop.advanceTime(by: .milliseconds(1900))
        #expect(other.isActive)
        otherLoop.advanceTime(by: .milliseconds(200))
        #expect(!other.isActive)
    }
}
