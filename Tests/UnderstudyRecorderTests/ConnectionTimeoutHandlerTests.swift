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
}
