import Foundation
import NIOCore
import NIOHTTP1
import Testing
import UnderstudyRecorder

/// `mock-upstream --fault`: which requests get which fault, and what each fault does to an answer.
struct MockFaultTests {
    static let stream = MockReply(
        status: .ok, headers: ["content-type": "text/event-stream"],
        parts: (0..<6).map { ByteBuffer(string: "data: {\"n\":\($0)}\n\n") }, isStream: true)

    static func bytes(_ reply: MockReply) -> String {
        reply.parts.map { String(buffer: $0) }.joined()
    }

    @Test func parsesEveryModeAndRejectsOthers() throws {
        for text in ["reset-mid-stream", "stall", "malformed-sse", "trickle", "status:429", "status:529"] {
            #expect(try MockFault(parsing: text).description == text)
        }
        for bad in ["status:200", "status:abc", "explode", ""] {
            #expect(throws: RecorderError.self) { try MockFault(parsing: bad) }
        }
    }

    @Test func rateSpreadsFaultsEvenlyAndInTurn() {
        let selector = MockFaultSelector(settings: MockFaultSettings(faults: [.stall, .status(500)], rate: 0.25))
        let picked = (0..<8).map { _ in selector.fault(for: HTTPHeaders()) }
        #expect(picked == [nil, nil, nil, .stall, nil, nil, nil, .status(500)])
        // The header asks for one fault regardless of the rate; a bad value means no fault.
        #expect(selector.fault(for: ["x-understudy-mock-fault": "trickle"]) == .trickle)
        #expect(selector.fault(for: ["x-understudy-mock-fault": "nonsense"]) == nil)
        #expect(MockFaultSelector(settings: MockFaultSettings()).fault(for: HTTPHeaders()) == nil)
    }

    @Test func statusFaultsAreProviderShapedWithRetryAfter() {
        let settings = MockFaultSettings(retryAfterSeconds: 9)
        let limited = MockFault.status(429).apply(to: Self.stream, provider: .openai, settings: settings)
        #expect(limited.status.code == 429 && !limited.isStream)
        #expect(limited.headers.first(name: "retry-after") == "9")
        #expect(Self.bytes(limited).contains("rate_limit_exceeded"))
        let overloaded = MockFault.status(529).apply(to: Self.stream, provider: .anthropic, settings: settings)
        #expect(Self.bytes(overloaded).contains("overloaded_error"))
        #expect(overloaded.headers.first(name: "retry-after") == "9")
        let failed = MockFault.status(500).apply(to: Self.stream, provider: .openai, settings: settings)
        #expect(failed.headers.first(name: "retry-after") == nil)
    }

    @Test func cutsSendHalfTheBytesThenResetOrHang() {
        let whole = Self.bytes(Self.stream)
        let reset = MockFault.resetMidStream.apply(to: Self.stream, provider: .openai, settings: MockFaultSettings())
        #expect(reset.ending == .reset)
        #expect(whole.hasPrefix(Self.bytes(reset)) && Self.bytes(reset).utf8.count == whole.utf8.count / 2)
        let stall = MockFault.stall.apply(to: Self.stream, provider: .openai, settings: MockFaultSettings())
        #expect(stall.ending == .hang && Self.bytes(stall) == Self.bytes(reset))
    }

    @Test func malformedAndTrickleKeepTheAnswer() {
        let settings = MockFaultSettings(trickleBytes: 5, trickleMs: 2)
        let broken = MockFault.malformedSSE.apply(to: Self.stream, provider: .openai, settings: settings)
        #expect(broken.parts.count == Self.stream.parts.count + 1)
        #expect(Self.bytes(broken).replacingOccurrences(of: String(decoding: MockFault.malformedEvent, as: UTF8.self), with: "")
                == Self.bytes(Self.stream))
        let slow = MockFault.trickle.apply(to: Self.stream, provider: .openai, settings: settings)
        #expect(Self.bytes(slow) == Self.bytes(Self.stream))
        #expect(slow.parts.allSatisfy { $0.readableBytes <= 5 })
        #expect(slow.recordedDelays?.dropFirst().allSatisfy { $0 == .milliseconds(2) } == true)
    }
}
