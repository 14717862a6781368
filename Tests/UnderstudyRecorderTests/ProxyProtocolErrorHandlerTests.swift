import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
import UnderstudyRecorder

struct ProxyProtocolErrorHandlerTests {
    func run(_ request: String, maxHeaderBytes: Int = 1024) throws -> (response: String, open: Bool) {
        let channel = EmbeddedChannel()
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = maxHeaderBytes
        limits.maxHeaderFieldSize = maxHeaderBytes
        try channel.pipeline.syncOperations.addHandler(HTTPResponseEncoder())
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop,
                                                    limitConfiguration: limits)))
        try channel.pipeline.syncOperations.addHandler(ProxyProtocolErrorHandler())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        _ = try? channel.writeInbound(ByteBuffer(string: request))
        var out = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out += String(buffer: buffer) }
        return (out, channel.isActive)
    }

    @Test func malformedRequestGets400AndTheConnectionCloses() throws {
        let (response, open) = try run("GARBAGE\0 / HTTP/1.1\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 400"))
        #expect(response.contains("malformed HTTP request"))
        #expect(!open)
    }

    @Test func oversizedHeadersGet431() throws {
        let big = String(repeating: "a", count: 4096)
        let (response, open) = try run("GET / HTTP/1.1\r\nX-Big: \(big)\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 431"))
        #expect(!open)
    }

    @Test func wellFormedRequestsPassUntouched() throws {
        let (response, open) = try run("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.isEmpty)
        #expect(open)
    }
}
