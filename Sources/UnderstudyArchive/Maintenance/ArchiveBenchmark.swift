import Foundation

/// The measurements behind `tools/bench/archive` (`understudy archive bench`): write a JSONL
/// file of records through `ArchiveWriter`, then scan and decode the result, timing each step.
public enum ArchiveBenchmark {
    /// Runs the benchmark; `input` is JSONL of Exchange records, `output` a new directory.
    public static func run(
        input: URL, output: URL, compressionLevel: Int = 6, flushBytes: Int = 1 << 20
    ) throws -> JSONValue {
        let text = try Data(contentsOf: input)
        var records: [Exchange] = []
        var inputBytes = 0
        try text.withUnsafeBytes { raw in
            try splitLines(raw.bindMemory(to: UInt8.self)) { line in
                inputBytes += line.count + 1
                records.append(try Exchange(jsonLine: line))
            }
        }
        let configuration = ArchiveWriterConfiguration(
            directory: output, queueCapacity: max(1024, records.count), flushInterval: .seconds(3600),
            flushBytes: flushBytes, compressionLevel: compressionLevel, writerName: "bench")
        let writeStart = ContinuousClock.now
        let writeCPUStart = cpuSeconds()
        let writer = try ArchiveWriter(configuration: configuration)
        for record in records { writer.appendWaiting(record) }
        try writer.close()
        let writeSeconds = seconds(ContinuousClock.now - writeStart)
        // CPU time of the process (the writer thread does the work; producers only enqueue):
        // what "MB/s on one core" means when other jobs share the machine.
        let writeCPUSeconds = cpuSeconds() - writeCPUStart
        let counters = writer.counters

        let reader = try ArchiveReader(path: output)
        var decodedBytes = 0
        var index: [String: Int] = [:]
        let scanStart = ContinuousClock.now
        let scanCPUStart = cpuSeconds()
        for url in reader.segments {
            let segment = try SegmentReader(url: url)
            _ = try segment.forEachLine { line, frame in
                decodedBytes += line.count + 1
                if let id = recordID(line) { index[id] = frame.offset }
            }
        }
        let scanSeconds = seconds(ContinuousClock.now - scanStart)
        let scanCPUSeconds = cpuSeconds() - scanCPUStart

        var decoded = 0
        let decodeStart = ContinuousClock.now
        let decodeCPUStart = cpuSeconds()
        let issues = try reader.scan { _ in decoded += 1 }
        let decodeSeconds = seconds(ContinuousClock.now - decodeStart)
        let decodeCPUSeconds = cpuSeconds() - decodeCPUStart
        let stored = try reader.segments.reduce(0) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0)
        }
        return [
            "records": .int(records.count), "input_bytes": .int(inputBytes), "raw_bytes": .int(counters.bytesRaw),
            "stored_bytes": .int(stored), "decoded_bytes": .int(decodedBytes), "segments": .int(reader.segments.count),
            "dropped": .int(counters.dropped), "write_seconds": .double(writeSeconds),
            "scan_seconds": .double(scanSeconds), "decode_seconds": .double(decodeSeconds),
            "write_cpu_seconds": .double(writeCPUSeconds), "scan_cpu_seconds": .double(scanCPUSeconds),
            "decode_cpu_seconds": .double(decodeCPUSeconds),
            "scan_mb_per_s_decoded": .double(Double(decodedBytes) / 1e6 / scanSeconds),
            "scan_mb_per_s_raw": .double(Double(counters.bytesRaw) / 1e6 / scanSeconds),
            "indexed_ids": .int(index.count), "decoded_records": .int(decoded), "issues": .int(issues.count),
        ]
    }

    /// The record id of a stored line, without decoding it.
    static func recordID(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        let key = Array(#""id":""#.utf8)
        let raw = UnsafeRawBufferPointer(line)
        guard
            let at = key.withUnsafeBytes({
                ByteSearch.find($0, in: UnsafeRawBufferPointer(rebasing: raw.prefix(96)), from: 0)
            }),
            at + key.count + 26 <= line.count
        else { return nil }
        return String(
            decoding: UnsafeBufferPointer(rebasing: line[(at + key.count)..<(at + key.count + 26)]), as: UTF8.self)
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
