import Testing
import UnderstudyArchive
import UnderstudyWire

struct SSEParserTests {
    typealias Event = SSEParser.ParsedEvent

    private func parseWhole(_ bytes: [UInt8]) -> [Event] {
        var parser = SSEParser()
        return parser.feed(bytes) + parser.finish()
    }

    /// Parses `bytes` split at every single position, and byte by byte, and checks all agree.
    private func expectSameAtEverySplit(
        _ text: String, _ expected: [Event], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let bytes = Array(text.utf8)
        #expect(parseWhole(bytes) == expected, sourceLocation: sourceLocation)
        for split in 0...bytes.count {
            var parser = SSEParser()
            let events = parser.feed(bytes[..<split]) + parser.feed(bytes[split...]) + parser.finish()
            #expect(events == expected, "split at \(split)", sourceLocation: sourceLocation)
        }
        var parser = SSEParser()
        var oneByOne: [Event] = []
        for byte in bytes { oneByOne += parser.feed([byte]) }
        oneByOne += parser.finish()
        #expect(oneByOne == expected, "byte by byte", sourceLocation: sourceLocation)
    }

    @Test func openAIChunksAndDone() {
        let text = """
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hé"}}]}

            data: [DONE]


            """
        expectSameAtEverySplit(
            text,
            [
                Event(
                    data:
                        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hé"}}]}"#
                ),
                Event(data: "[DONE]"),
            ])
    }

    @Test func anthropicNamedEventsWithCRLF() {
        let text =
            "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
            + "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"
        expectSameAtEverySplit(
            text,
            [
                Event(event: "message_start", data: #"{"type":"message_start"}"#),
                Event(event: "ping", data: #"{"type": "ping"}"#),
            ])
    }

    @Test func bareCRLineEndingsAndMultiLineData() {
        expectSameAtEverySplit(
            "data: first\rdata: second\r\rdata:third\n\n",
            [
                Event(data: "first\nsecond"), Event(data: "third"),
            ])
    }

    @Test func commentsRetryIdAndUnknownFields() {
        var parser = SSEParser()
        let events = parser.feed(
            Array(": keep-alive\nretry: 1500\nid: 7\nfoo: bar\ndata: x\n\nretry: 12a\ndata: y\n\n".utf8))
        #expect(events == [Event(data: "x", id: "7"), Event(data: "y", id: "7")])
        #expect(parser.retryMilliseconds == 1500)
        #expect(parser.lastEventID == "7")
    }

    @Test func leadingBOMIsDroppedOnlyAtTheStart() {
        let text = "\u{FEFF}data: a\n\ndata: \u{FEFF}b\n\n"
        expectSameAtEverySplit(text, [Event(data: "a"), Event(data: "\u{FEFF}b")])
    }

    @Test func partialBOMIsKeptAsContent() {
        // EF BB followed by something else is not a BOM; the bytes stay (as U+FFFD) in the field name.
        let events = parseWhole([0xEF, 0xBB, 0x41] + Array("\ndata: z\n\n".utf8))
        #expect(events == [Event(data: "z")])
    }

    @Test func fieldWithoutColonAndEmptyData() {
        expectSameAtEverySplit("data\n\ndata:\ndata:\n\n", [Event(data: ""), Event(data: "\n")])
    }

    @Test func onlyOneLeadingSpaceIsStripped() {
        expectSameAtEverySplit("data:  two spaces\nevent:  x\n\n", [Event(event: " x", data: " two spaces")])
    }

    @Test func eventWithoutDataIsNotDispatchedAndTypeResets() {
        expectSameAtEverySplit("event: lonely\n\ndata: after\n\n", [Event(data: "after")])
    }

    @Test func idWithNULIsIgnored() {
        var parser = SSEParser()
        let events = parser.feed(Array("id: good\ndata: 1\n\nid: b\u{0}d\ndata: 2\n\n".utf8))
        #expect(events.map(\.id) == ["good", "good"])
    }

    @Test func incompleteEventIsDiscardedUnlessAsked() {
        var strict = SSEParser()
        #expect(strict.feed(Array("data: done\n\ndata: cut".utf8)) == [Event(data: "done")])
        #expect(strict.finish() == [])

        var lenient = SSEParser()
        _ = lenient.feed(Array("data: [DONE]\n".utf8))
        #expect(lenient.finish(dispatchIncomplete: true) == [Event(data: "[DONE]")])
    }

    @Test func multiByteUTF8SplitAcrossChunksSurvives() {
        expectSameAtEverySplit("data: 日本語 🎭\n\n", [Event(data: "日本語 🎭")])
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        let events = parseWhole(Array("data: a".utf8) + [0xFF] + Array("b\n\n".utf8))
        #expect(events == [Event(data: "a\u{FFFD}b")])
    }

    /// Data lines are decoded one by one and joined: a UTF-8 sequence cut at a line's end must
    /// give what decoding the joined data would (one U+FFFD, the line feed kept), at every split.
    @Test func truncatedUTF8AtADataLineEndDecodesAsTheJoinedData() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        for cut in 1..<euro.count {
            let head = Array(euro[..<cut])
            let bytes = Array("data: a".utf8) + head + Array("\ndata: ".utf8) + euro[cut...] + Array("b\n\n".utf8)
            let joined = Array("a".utf8) + head + [0x0A] + euro[cut...] + Array("b".utf8)
            let expected = [Event(data: String(decoding: joined, as: UTF8.self))]
            #expect(parseWhole(bytes) == expected)
            for split in 0...bytes.count {
                var parser = SSEParser()
                let events = parser.feed(bytes[..<split]) + parser.feed(bytes[split...]) + parser.finish()
                #expect(events == expected, "cut \(cut), split at \(split)")
            }
        }
    }

    @Test func encoderOutputParsesBackExactly() {
        let cases: [(String?, String)] = [
            ("content_block_delta", #"{"type":"content_block_delta"}"#), (nil, "[DONE]"), (nil, ""),
            ("x", "line one\nline two\r\nline three\rfour"), (nil, "trailing newline\n"),
        ]
        var stream: [UInt8] = []
        for (event, data) in cases { SSEEncoder.append(event: event, data: data, to: &stream) }
        let expected = cases.map { Event(event: $0.0, data: $0.1.replacingCRs()) }
        #expect(parseWhole(stream) == expected)
        #expect(
            String(decoding: SSEEncoder.encode(event: "ping", data: "{}"), as: UTF8.self) == "event: ping\ndata: {}\n\n"
        )
    }

    @Test func recordedEventsReencodeToTheSameEvents() {
        let recorded = [SSEEvent(tMs: 1, event: "a", data: "1"), SSEEvent(tMs: 2, data: "2\n3")]
        #expect(parseWhole(SSEEncoder.encode(recorded)) == [Event(event: "a", data: "1"), Event(data: "2\n3")])
    }

    @Test func nonContiguousSequencesParseTheSame() {
        let text = "\u{FEFF}event: a\r\ndata: 1\r\n\r\ndata: 2\n\n"
        var parser = SSEParser()
        let events = parser.feed(Array(text.utf8).lazy.map { $0 }) + parser.finish()
        #expect(events == [Event(event: "a", data: "1"), Event(data: "2")])
        #expect(parseWhole(Array(text.utf8)) == events)
    }

    @Test func longLinesWithEveryLineEndingParseAsByteByByte() {
        var random = SeededRandom(state: 0x55E)
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<random.int(12) {
                let field = random.pick(["data: ", "data:", "event: ", ": comment ", "id: ", "data: {\"k\":\"é😀\"} "])
                bytes += Array(field.utf8) + (0..<random.int(40)).map { _ in random.pick(Array("abc xyz{}\":,".utf8)) }
                bytes += Array(random.pick(["\n", "\r", "\r\n", "\n\n", "\r\n\r\n", "\r\r"]).utf8)
            }
            // Split anywhere (between CR and LF too); the per-byte path (a non-contiguous
            // sequence) is the reference.
            var parser = SSEParser()
            var events: [SSEParser.ParsedEvent] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + random.int(30))
                events += parser.feed(bytes[start..<end])
                start = end
            }
            events += parser.finish(dispatchIncomplete: true)
            var reference = SSEParser()
            let expected = reference.feed(bytes.lazy.map { $0 }) + reference.finish(dispatchIncomplete: true)
            #expect(events == expected, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            #expect(parser.bytesConsumed == bytes.count)
        }
    }

    @Test func garbageNeverCrashesAndCountsBytes() {
        var generator = SystemRandomNumberGenerator()
        var parser = SSEParser()
        var total = 0
        for _ in 0..<200 {
            let chunk = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            total += chunk.count
            _ = parser.feed(chunk)
        }
        _ = parser.finish(dispatchIncomplete: true)
        #expect(parser.bytesConsumed == total)
    }
}

extension String {
    fileprivate func replacingCRs() -> String {
        var out = ""
        var afterCR = false
        for scalar in unicodeScalars {
            if afterCR {
                afterCR = false
                if scalar == "\n" { continue }
            }
            if scalar == "\r" {
                out.unicodeScalars.append("\n")
                afterCR = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
