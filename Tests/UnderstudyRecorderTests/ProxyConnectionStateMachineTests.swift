import Testing
import UnderstudyRecorder

struct ProxyConnectionStateMachineTests {
    @Test func keepAliveRequestReturnsToIdle() {
        var machine = ProxyConnectionStateMachine()
        #expect(machine.requestHead(keepAlive: true) == .startUpstream(generation: 1))
        #expect(machine.requestBody() == .forward)
        #expect(machine.requestEnd() == .endUpstreamBody)
        let started = machine.upstreamHead(generation: 1)
        #expect(started)
        #expect(machine.upstreamEnd(generation: 1) == .finish(close: false))
        #expect(machine.state == .idle)
        #expect(machine.requestHead(keepAlive: true) == .startUpstream(generation: 2))
    }

    @Test func connectionCloseRequestClosesAfterResponse() {
        var machine = ProxyConnectionStateMachine()
        _ = machine.requestHead(keepAlive: false)
        _ = machine.requestEnd()
        _ = machine.upstreamHead(generation: 1)
        #expect(machine.upstreamEnd(generation: 1) == .finish(close: true))
        #expect(machine.state == .closed)
    }

    @Test func earlyResponseDiscardsTheRestOfTheRequestBody() {
        var machine = ProxyConnectionStateMachine()
        _ = machine.requestHead(keepAlive: true)
        _ = machine.upstreamHead(generation: 1)
        #expect(machine.upstreamEnd(generation: 1) == .finish(close: false))
        #expect(machine.requestBody() == .discard)
        #expect(machine.requestEnd() == .responseAlreadyDone(close: false))
        #expect(machine.state == .idle)
    }

    @Test func callbacksOfAnAbortedRequestAreIgnored() {
        var machine = ProxyConnectionStateMachine()
        _ = machine.requestHead(keepAlive: true)
        #expect(machine.channelInactive() == .abortUpstream(generation: 1))
        let stale = machine.upstreamHead(generation: 1)
        #expect(!stale)
        #expect(machine.upstreamEnd(generation: 1) == .ignore)
        #expect(machine.upstreamError(generation: 1) == .ignore)
    }

    @Test func upstreamErrorBeforeHeadGetsAnErrorResponseAfterHeadACloses() {
        var before = ProxyConnectionStateMachine()
        _ = before.requestHead(keepAlive: true)
        _ = before.requestEnd()
        #expect(before.upstreamError(generation: 1) == .sendErrorResponse(close: false))
        #expect(before.state == .idle)

        var after = ProxyConnectionStateMachine()
        _ = after.requestHead(keepAlive: true)
        _ = after.requestEnd()
        _ = after.upstreamHead(generation: 1)
        #expect(after.upstreamError(generation: 1) == .closeConnection)
        #expect(after.state == .closed)
    }

    @Test func shutdownClosesIdleConnectionsAndBusyOnesAfterTheirResponse() {
        var idle = ProxyConnectionStateMachine()
        #expect(idle.shutdownRequested() == .closeNow)

        var busy = ProxyConnectionStateMachine()
        _ = busy.requestHead(keepAlive: true)
        #expect(busy.shutdownRequested() == .closeAfterResponse)
        _ = busy.requestEnd()
        _ = busy.upstreamHead(generation: 1)
        #expect(busy.upstreamEnd(generation: 1) == .finish(close: true))
    }

    @Test func aSecondHeadWhileBusyClosesTheConnection() {
        var machine = ProxyConnectionStateMachine()
        _ = machine.requestHead(keepAlive: true)
        #expect(machine.requestHead(keepAlive: true) == .close)
    }
}
