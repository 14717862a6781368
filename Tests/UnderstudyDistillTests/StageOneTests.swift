import Foundation
import Testing
import UnderstudyArchive
import UnderstudyDistill
import UnderstudyTestSupport

struct StageOneTests {
    static let longQuestion = (0..<80).map { "word\($0)" }.joined(separator: " ")

    /// A small capture with every kind of record stage one has to handle.
    static func captures() -> [Exchange] {
        var exchanges: [Exchange] = []
        // Three exact duplicates (two got one answer, one another), differing only in volatile fields.
        exchanges.append(
            TestExchanges.openAI(
                user: "Reset the password for maria.gonzalez@acme-corp.com", answer: "Done",
                extra: [JSONMember("user", "u-1")]))
        exchanges.append(
            TestExchanges.openAI(
                user: "Reset the password for maria.gonzalez@acme-corp.com", answer: "Done",
                extra: [JSONMember("user", "u-2"), JSONMember("stream", false)]))
        exchanges.append(
            TestExchanges.openAI(user: "Reset the password for maria.gonzalez@acme-corp.com", answer: "Password reset.")
        )
        // Near duplicates: a long message and the same with one more word.
        exchanges.append(TestExchanges.openAI(user: longQuestion, answer: "A"))
        exchanges.append(TestExchanges.openAI(user: longQuestion + " please", answer: "A"))
        // A tool call that copies an email from the prompt, and a key pasted by the user.
        exchanges.append(
            TestExchanges.openAI(
                user: "Write to sam.lee@example.org, my key is sk-proj-Zx81KqL0pRt5VwY2mN7bC4dE6fG",
                toolCall: ("send_email", #"{"to":"sam.lee@example.org","body":"hi"}"#)))
        exchanges.append(TestExchanges.anthropic(user: "printer broken", answer: "hardware"))
        // Excluded ones.
        exchanges.append(
            TestExchanges.make(
                target: "/v1/chat/completions", request: ["model": "gpt-4o", "messages": []],
                response: ["error": ["message": "overloaded"]], status: 529))
        exchanges.append(TestExchanges.make(target: "/v1/models", request: [:], response: ["data": []]))
        exchanges.append(
            TestExchanges.make(
                target: "/api/generate", request: ["model": "llama3", "prompt": "hi from bob@corp.com"],
                response: ["response": "hello"]))
        return exchanges
    }

    func runStage(
        _ root: URL, run: String = "r1", force: Bool = false, mode: AnonymizationMode = .surrogate, variants: Int = 0,
        threads: Int = 2
    ) throws -> StageOneReport {
        try StageOne(
            configuration: StageOneConfiguration(
                inputs: [root.appendingPathComponent("captures")], run: run,
                runsRoot: root.appendingPathComponent("runs"), force: force,
                anonymizer: AnonymizerConfiguration(mode: mode, key: Array("stage-one-test-key-0123".utf8)),
                variants: variants, threads: threads)
        ).run()
    }

    /// Anonymization runs on several threads; a user must get the same corpus (same surrogates or
    /// placeholder numbers, same order, same counts) whatever the machine's core count.
    @Test(arguments: AnonymizationMode.allCases) func corpusIsTheSameOnOneThreadAndOnSeveral(mode: AnonymizationMode)
        throws
    {
        let root = try TestEnvironment.temporaryDirectory("distill-stage1-threads")
        defer { try? FileManager.default.removeItem(at: root) }
        // 15 agent conversations of 3 turns each, interleaved in time as a fleet's would be.
        var captures = Self.captures()
        for turn in 0..<3 {
            for c in 0..<15 {
                let first = "I am user\(c)@example.com, call me on +1 415 555 01\(10 + c)"
                captures.append(
                    TestExchanges.make(
                        target: "/v1/chat/completions",
                        request: [
                            "model": "gpt-4o",
                            "messages": [
                                ["role": "system", "content": "You are a support agent for Acme."],
                                ["role": "user", "content": .string(first)], ["role": "assistant", "content": "ok"],
                                [
                                    "role": "user",
                                    "content": .string("turn \(turn) of \(c): is order\(turn)@shop.example.com mine?"),
                                ],
                            ],
                        ],
                        response: [
                            "choices": [["message": ["role": "assistant", "content": .string("It is user\(c)@example.com")]]]
                        ]))
            }
        }
        try TestExchanges.writeArchive(captures, to: root.appendingPathComponent("captures"))
        let one = try runStage(root, run: "one", mode: mode, variants: 1, threads: 1)
        let four = try runStage(root, run: "four", mode: mode, variants: 1, threads: 4)
        let runs = root.appendingPathComponent("runs")
        let serial = try Corpus.read(run: "one", root: runs)
        #expect(serial.count == 2 * 50)
        #expect(try Corpus.read(run: "four", root: runs) == serial)
        #expect(one.entities == four.entities && one.entities.total > 90)
        // Still consistent inside a conversation: every turn answers with the same surrogate.
        let answers = Dictionary(
            grouping: serial.filter { $0.variant == 0 && $0.response?.content?.hasPrefix("It is") == true }, by: \.conversation)
        #expect(answers.count == 15)
        for (_, turns) in answers {
            #expect(turns.count == 3 && Set(turns.compactMap(\.response?.content)).count == 1)
            #expect(turns.allSatisfy { $0.response?.content?.range(of: #"user\d+@example\.com"#, options: .regularExpression) == nil })
        }
    }

    @Test func cleanCorpusWithCountsCostsAndAlternatives() throws {
        let root = try TestEnvironment.temporaryDirectory("distill-stage1")
        defer { try? FileManager.default.removeItem(at: root) }
        try TestExchanges.writeArchive(Self.captures(), to: root.appendingPathComponent("captures"))
        let report = try runStage(root)
        #expect(report.read == 10)
        #expect(report.excluded[.httpError] == 1 && report.excluded[.notLLM] == 1)
        #expect(report.keptRaw == 1)
        #expect(report.exactDuplicates == 2 && report.nearDuplicates == 1)

        let entries = try Corpus.read(run: "r1", root: root.appendingPathComponent("runs"))
        #expect(entries.count == 5)
        #expect(entries.reduce(0) { $0 + $1.count } == 8)
        let reset = try #require(entries.first { $0.count == 3 })
        #expect(reset.exactDuplicates == 2)
        #expect(
            reset.response?.content == "Done" && reset.alternatives.map(\.count) == [1]
                && reset.alternatives.first?.response.content == "Password reset.")
        #expect(
            abs(
                reset.costUSD - 3
                    * PriceTable().cost(model: "gpt-4o", usage: Exchange.Usage(inputTokens: 1000, outputTokens: 100)))
                < 1e-12)
        #expect(entries.contains { $0.count == 2 && $0.nearDuplicates == 1 })
        #expect(entries.filter { !$0.trainable }.map(\.model) == ["llama3"])

        // The email the tool call copies from the prompt maps to one surrogate in both.
        let mail = try #require(entries.first { $0.response?.toolCalls.first?.name == "send_email" })
        let to = try #require(mail.response?.toolCalls.first?.arguments["to"]?.stringValue)
        #expect(to != "sam.lee@example.org" && to.contains("@"))
        #expect(mail.varying.first?.content?.contains(to) == true)
        #expect(mail.requestBody?.serialized().contains(to) == true)

        // Nothing planted survives anywhere in the corpus.
        let everything = entries.map {
            $0.json.serialized() + ($0.requestBody?.serialized() ?? "") + ($0.responseBody?.serialized() ?? "")
        }.joined()
        for value in [
            "maria.gonzalez@acme-corp.com", "sam.lee@example.org", "sk-proj-Zx81KqL0pRt5VwY2mN7bC4dE6fG",
            "bob@corp.com",
        ] {
            #expect(!everything.contains(value), "\(value) survived")
        }
        // The audit counts types, never values.
        let audit = try String(contentsOf: root.appendingPathComponent("runs/r1/stage1.json"), encoding: .utf8)
        #expect(audit.contains("\"EMAIL\":") && !audit.contains("@"))
        #expect(report.entities[.email] >= 3 && report.entities[.secret] == 1)

        let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("runs/r1").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let corpus = try FileManager.default.attributesOfItem(
            atPath: root.appendingPathComponent("runs/r1/corpus.jsonl.zst").path)
        #expect((corpus[.posixPermissions] as? Int) == 0o600)
    }

    @Test func existingRunIsRefusedUnlessForcedAndNeverHalfOverwritten() throws {
        let root = try TestEnvironment.temporaryDirectory("distill-force")
        defer { try? FileManager.default.removeItem(at: root) }
        try TestExchanges.writeArchive(Self.captures(), to: root.appendingPathComponent("captures"))
        _ = try runStage(root)
        let marker = root.appendingPathComponent("runs/r1/mine.txt")
        try Data("keep".utf8).write(to: marker)
        #expect(throws: DistillError.self) { try runStage(root) }
        #expect(FileManager.default.fileExists(atPath: marker.path))
        _ = try runStage(root, force: true, mode: .placeholder)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("runs").path)
        #expect(leftovers == ["r1"])
        let entries = try Corpus.read(run: "r1", root: root.appendingPathComponent("runs"))
        #expect(entries.contains { $0.varying.first?.content?.contains("<EMAIL_1>") == true })
    }

    @Test func augmentationWritesVariantsWithOtherSurrogates() throws {
        let root = try TestEnvironment.temporaryDirectory("distill-augment")
        defer { try? FileManager.default.removeItem(at: root) }
        try TestExchanges.writeArchive(Self.captures(), to: root.appendingPathComponent("captures"))
        let report = try runStage(root, variants: 2)
        #expect(report.entries == 15)
        let entries = try Corpus.read(run: "r1", root: root.appendingPathComponent("runs"))
        let resets = entries.filter { $0.count == 3 }.compactMap { $0.varying.first?.content }
        #expect(resets.count == 3 && Set(resets).count == 3)
    }

    @Test func corruptSegmentsAreSkippedWithTheirOffset() throws {
        let root = try TestEnvironment.temporaryDirectory("distill-corrupt")
        defer { try? FileManager.default.removeItem(at: root) }
        let captures = root.appendingPathComponent("captures")
        try TestExchanges.writeArchive(Self.captures(), to: captures)
        let segment = try #require(
            FileManager.default.contentsOfDirectory(atPath: captures.path).first { $0.hasSuffix(".jsonl.zst") })
        var bytes = try [UInt8](Data(contentsOf: captures.appendingPathComponent(segment)))
        let copy = captures.appendingPathComponent("zz-damaged.jsonl.zst")
        for i in stride(from: bytes.count / 3, to: bytes.count / 3 + 40, by: 1) { bytes[i] ^= 0x5A }
        try Data(bytes).write(to: copy)
        let report = try runStage(root)
        #expect(
            report.archiveIssues.contains { $0.losesData && $0.path.hasSuffix("zz-damaged.jsonl.zst") && $0.offset > 0 }
        )
        #expect(report.read >= 10)
    }
}
