import UnderstudyArchive

/// An incremental parser for `text/event-stream` bodies, following the WHATWG HTML
/// "event stream interpretation" rules. It does no I/O: feed it bytes as they arrive, in chunks
/// split anywhere (even inside a UTF-8 sequence or between CR and LF), and it returns the events
/// completed by each chunk.
///
/// ```swift
/// var parser = SSEParser()
/// for event in parser.feed(Array("event: ping\ndata: {\"a\":1}\n\n".utf8)) {
///     print(event.event ?? "message", event.data)      // ping {"a":1}
/// }
/// _ = parser.finish()
/// ```
///
/// Rules: lines end with CRLF, LF or CR; a leading UTF-8 BOM is dropped; lines starting with `:`
/// are comments; `field: value` loses one space after the colon; `data` lines are joined with
/// `\n`; an empty line dispatches the event unless no `data` was seen; `id` values holding NUL
/// are ignored; `retry` takes only ASCII digits; unknown fields are ignored. Invalid UTF-8 is
/// replaced by U+FFFD, as the spec's decoder does.
public struct SSEParser: Sendable {
    /// One dispatched event.
    public struct ParsedEvent: Sendable, Equatable {
        /// The `event:` field; `nil` when absent (the spec's default type, "message").
        public var event: String?
        /// The `data:` lines joined by `\n`.
        public var data: String
        /// The last event ID in force when the event was dispatched (`id:` persists across events).
        public var id: String?

        public init(event: String? = nil, data: String, id: String? = nil) {
            self.event = event
            self.data = data
            self.id = id
        }
    }

    /// The last `id:` seen, as the spec's "last event ID buffer"; persists between events.
    public private(set) var lastEventID: String?
    /// The last valid `retry:` value in milliseconds.
    public private(set) var retryMilliseconds: Int?
    /// Number of bytes consumed so far (for error messages and offsets).
    public private(set) var bytesConsumed: Int = 0

    private var line: [UInt8] = []
    /// The event's `data` lines so far, joined by `\n`; `nil` while it has none. Kept as the
    /// `String` the event hands out, so a one-line event's data is copied once, from the line.
    /// (Decoding line by line equals decoding the joined bytes: a line feed ends any UTF-8
    /// sequence, valid or not.)
    private var data: String?
    private var eventType: String?
    /// A CR ended the previous line; a LF right after it belongs to that line ending.
    private var afterCR = false
    /// Still looking at the first bytes of the stream, where a BOM may sit.
    private var bomState: UInt8 = 0

    public init() {}

    /// Consumes `bytes` and returns the events they complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ParsedEvent] {
        var events: [ParsedEvent] = []
        feed(bytes) { events.append($0) }
        return events
    }

    /// Consumes `bytes` and hands each event they complete to `emit`, in order: the recorder's
    /// form, which builds no array of events per chunk.
    public mutating func feed(_ bytes: some Sequence<UInt8>, each emit: (ParsedEvent) -> Void) {
        // Contiguous input (Array, ArraySlice, NIO's ByteBufferView) takes the non-generic path,
        // which stays fast when called from other modules without specialization.
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in feed(buffer: buffer, to: emit) }
        if done != nil { return }
        for byte in bytes { consume(byte, to: emit) }
    }

    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, to emit: (ParsedEvent) -> Void) {
        var i = 0
        let count = buffer.count
        while i < count {
            if bomState >= 3, !afterCR {
                let j = Self.lineEnd(buffer, from: i)
                // Fastest path: a whole line inside this chunk is read where it lies, not copied
                // into `line` first (a stream's chunks mostly hold whole `data:` lines).
                if j < count, line.isEmpty {
                    processLine(UnsafeBufferPointer(rebasing: buffer[i..<j]), to: emit)
                    afterCR = buffer[j] == 0x0D
                    bytesConsumed += j + 1 - i
                    i = j + 1
                    continue
                }
                // Fast path: copy a run of ordinary bytes into the line in one go.
                if j > i {
                    line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<j]))
                    bytesConsumed += j - i
                    i = j
                    continue
                }
            }
            consume(buffer[i], to: emit)
            i += 1
        }
    }

    /// The first offset at or after `from` holding a CR or LF (or the end): eight bytes per step
    /// while none of them is one, then byte by byte. Streams are mostly long `data:` lines.
    @inline(__always)
    private static func lineEnd(_ buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        let count = buffer.count
        if let base = buffer.baseAddress {
            while i + 8 <= count {
                let w = SWARBytes.load(base, i)
                if SWARBytes.equal(w, 0x0A) | SWARBytes.equal(w, 0x0D) != 0 { break }
                i += 8
            }
        }
        while i < count, buffer[i] != 0x0A, buffer[i] != 0x0D { i += 1 }
        return i
    }

    private mutating func consume(_ byte: UInt8, to emit: (ParsedEvent) -> Void) {
        bytesConsumed += 1
        if bomState < 3 {
            if skipBOM(byte) { return }
        }
        if afterCR {
            afterCR = false
            if byte == 0x0A { return }
        }
        switch byte {
        case 0x0A:
            processLine(to: emit)
        case 0x0D:
            afterCR = true
            processLine(to: emit)
        default:
            line.append(byte)
        }
    }

    /// Ends the stream. Per the spec an event not terminated by an empty line is discarded;
    /// pass `dispatchIncomplete: true` to get it anyway (a truncated recording may still want it).
    public mutating func finish(dispatchIncomplete: Bool = false) -> [ParsedEvent] {
        var events: [ParsedEvent] = []
        finish(dispatchIncomplete: dispatchIncomplete) { events.append($0) }
        return events
    }

    /// `finish(dispatchIncomplete:)` handing the last event, if any, to `emit`.
    public mutating func finish(dispatchIncomplete: Bool = false, each emit: (ParsedEvent) -> Void) {
        if dispatchIncomplete {
            if !line.isEmpty { processLine(to: emit) }
            dispatch(to: emit)
        }
        // Ready for a new stream; the last event ID survives, as for a reconnection.
        line.removeAll(keepingCapacity: true)
        data = nil
        eventType = nil
        afterCR = false
        bomState = 0
    }

    /// Returns true when `byte` was consumed as part of a leading BOM (EF BB BF).
    private mutating func skipBOM(_ byte: UInt8) -> Bool {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if byte == bom[Int(bomState)] {
            bomState += 1
            return true
        }
        // Not a BOM after all: give back the bytes held so far, then go on normally.
        let held = bom[0..<Int(bomState)]
        bomState = 3
        line.append(contentsOf: held)
        return false
    }

    /// Processes the line gathered in `line` (one that arrived split across chunks, or the last).
    private mutating func processLine(to emit: (ParsedEvent) -> Void) {
        let held = line
        held.withUnsafeBufferPointer { processLine($0, to: emit) }
        line.removeAll(keepingCapacity: true)
    }

    private mutating func processLine(_ line: UnsafeBufferPointer<UInt8>, to emit: (ParsedEvent) -> Void) {
        bomState = 3
        if line.isEmpty {
            dispatch(to: emit)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let nameEnd = colon ?? line.endIndex
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart += 1 }
        let name = UnsafeBufferPointer(rebasing: line[0..<nameEnd])
        let value = UnsafeBufferPointer(rebasing: line[valueStart...])
        if Self.isName(name, "data") {
            let text = String(decoding: value, as: UTF8.self)
            if data == nil {
                data = text
            } else {
                data!.append("\n")
                data!.append(text)
            }
        } else if Self.isName(name, "event") {
            eventType = String(decoding: value, as: UTF8.self)
        } else if Self.isName(name, "id") {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        } else if Self.isName(name, "retry") {
            if !value.isEmpty, value.allSatisfy({ (0x30...0x39).contains($0) }) {
                retryMilliseconds = Int(String(decoding: value, as: UTF8.self)) ?? retryMilliseconds
            }
        }
    }

    /// Whether a line's field name is `field`: lengths, then bytes (a generic `elementsEqual`
    /// over a `String.UTF8View` ran for every line of every recorded stream).
    @inline(__always)
    private static func isName(_ name: UnsafeBufferPointer<UInt8>, _ field: StaticString) -> Bool {
        ChatChunkReader.equal(name, field)
    }

    private mutating func dispatch(to emit: (ParsedEvent) -> Void) {
        // Taken out, not copied: the event's strings move into it (no retain and release each).
        let type = eventType.take().flatMap { $0.isEmpty ? nil : $0 }
        guard let data = data.take() else { return }
        // The spec's data buffer ends each line with a LF and drops the last: lines joined by LF.
        emit(ParsedEvent(event: type, data: data, id: lastEventID))
    }
}
