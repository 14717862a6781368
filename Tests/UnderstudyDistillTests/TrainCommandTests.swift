import Foundation
import Testing
import UnderstudyTestSupport

/// `understudy train` end to end: the built binary drives the Python trainer in `.venv` on a tiny
/// generated run, and explains what is missing when it cannot.
struct TrainCommandTests {
    /// A run directory with one trainable cluster (40 examples) and one too small (8).
    private func makeRun() throws -> URL {
        let run = try TestEnvironment.temporaryDirectory("understudy-train")
        try writeCluster(run, id: "c001", count: 40)
        try writeCluster(run, id: "c002", count: 8)
        return run
    }

    private func writeCluster(_ run: URL, id: String, count: Int) throws {
        let directory = run.appendingPathComponent("clusters/\(id)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tools = """
            [{"name":"cancel_booking","description":"Cancel a booking.","parameters":{"type":"object",\
            "properties":{"booking_id":{"type":"string"}},"required":["booking_id"]}}]
            """
        let cluster = """
            {"format":1,"id":"\(id)","label":"bookings","prefix_hash":"\(String(repeating: "cd", count: 32))",\
            "system":"You cancel bookings.","tools":\(tools),"size":\(count),"traffic_share":0.5,"cost_share":0.5}
            """
        try Data(cluster.utf8).write(to: directory.appendingPathComponent("cluster.json"))
        var lines: [String] = []
        for index in 0..<count {
            let booking = "BK\(1000 + index * 37)"
            lines.append(
                """
                {"format":1,"id":"\(id)-\(index)","conversation":"conv\(index)","weight":1,\
                "messages":[{"role":"user","content":"Please cancel booking \(booking) for me."}],\
                "target":{"content":null,"tool_calls":[{"name":"cancel_booking",\
                "arguments":{"booking_id":"\(booking)"}}]}}
                """)
        }
        let train = Int(Double(count) * 0.8)
        let val = Int(Double(count) * 0.9)
        let splits = ["train": lines[0..<train], "val": lines[train..<val], "test": lines[val...]]
        for (name, rows) in splits {
            let text = rows.map { $0 + "\n" }.joined()
            try Data(text.utf8).write(to: directory.appendingPathComponent("\(name).jsonl"))
        }
    }

    private func requireEnvironment() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestEnvironment.binary.path),
            "no understudy binary at \(TestEnvironment.binary.path): run `swift build --product understudy`")
        try #require(
            FileManager.default.isExecutableFile(atPath: TestEnvironment.python.path),
            "no \(TestEnvironment.python.path): run tools/setup")
    }

    @Test func trainsAClusterSkipsASmallOneAndPrintsTheSummary() throws {
        try requireEnvironment()
        let run = try makeRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let result = try ProcessRunner.run(
            TestEnvironment.binary,
            ["train", "--run", run.path, "--max-steps", "3", "--set", "learning_rate=0.002", "--json"],
            environment: ["UNDERSTUDY_HOME": TestEnvironment.repositoryRoot.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("[c001] step"))
        #expect(result.stderr.contains("[c002] skipped"))

        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let clusters = try #require(summary["clusters"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: clusters.map { ($0["cluster"] as? String ?? "", $0) })
        #expect(byID["c001"]?["status"] as? String == "trained")
        #expect(byID["c002"]?["status"] as? String == "skipped")
        #expect((byID["c002"]?["reason"] as? String)?.contains("minimum") == true)

        let specialist = run.appendingPathComponent("specialists/c001")
        let files = ["config.json", "model.safetensors", "tokenizer.json", "generation_config.json", "specialist.json"]
        for file in files {
            #expect(FileManager.default.fileExists(atPath: specialist.appendingPathComponent(file).path), "\(file)")
        }
        let info = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: specialist.appendingPathComponent("specialist.json"))) as? [String: Any])
        #expect(info["prompt_format"] as? Int == 4)  // distill/trainer/PROMPT_FORMAT.md
        #expect(info["prefix_hash"] as? String == String(repeating: "cd", count: 32))
        // What trained the model, --set and --max-steps included, each override beside the recipe's value.
        let settings = try #require(info["recipe_settings"] as? [String: Any])
        #expect(settings["learning_rate"] as? Double == 0.002 && settings["max_steps"] as? Int == 3)
        let overrides = try #require(info["recipe_overrides"] as? [String: [String: Any]])
        #expect(Set(overrides.keys) == ["learning_rate", "max_steps"])
        #expect(overrides["learning_rate"]?["used"] as? Double == 0.002)
        let recipeFile = TestEnvironment.repositoryRoot.appendingPathComponent("distill/recipes/scratch.json")
        let recipe = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: recipeFile)) as? [String: Any])
        #expect(overrides["learning_rate"]?["recipe"] as? Double == recipe["learning_rate"] as? Double)
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("specialists/c002").path) == false)
    }

    @Test func humanOutputIsATableWithOneRowPerCluster() throws {
        try requireEnvironment()
        let run = try makeRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let result = try ProcessRunner.run(
            TestEnvironment.binary, ["train", "--run", run.path, "--cluster", "c002"],
            environment: ["UNDERSTUDY_HOME": TestEnvironment.repositoryRoot.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("cluster") == true)
        #expect(lines.count == 2 && lines[1].hasPrefix("c002") && lines[1].contains("skipped"))
    }

    @Test func aSetValueThatIsNotJSONIsRefusedBeforeTraining() throws {
        try requireEnvironment()
        for bad in ["recent_slots=yes please", "retrieval_hint", "=3", "max_steps=null", "max_steps=NaN"] {
            let result = try ProcessRunner.run(
                TestEnvironment.binary, ["train", "--run", "r1", "--set", bad],
                environment: ["UNDERSTUDY_HOME": TestEnvironment.repositoryRoot.path])
            #expect(result.status != 0)
            #expect(result.stderr.contains("--set \(bad)") && result.stderr.contains("KEY=JSON"), "\(result.stderr)")
        }
    }

    @Test func aSetKeyNoRecipeHasIsRefusedNamingTheCloseOnes() throws {
        try requireEnvironment()
        let run = try makeRun()
        defer { try? FileManager.default.removeItem(at: run) }
        let result = try ProcessRunner.run(
            TestEnvironment.binary, ["train", "--run", run.path, "--set", "pointer_heads=true"],
            environment: ["UNDERSTUDY_HOME": TestEnvironment.repositoryRoot.path])
        #expect(result.status != 0)
        // The trainer's error event, not only its exit status, reaches the user.
        #expect(result.stderr.contains("pointer_heads") && result.stderr.contains("did you mean pointer_head"),
                "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("specialists").path) == false)
    }

    @Test func aMissingVenvNamesTheFix() throws {
        try requireEnvironment()
        let home = try TestEnvironment.temporaryDirectory("understudy-home")
        defer { try? FileManager.default.removeItem(at: home) }
        let trainer = home.appendingPathComponent("distill/trainer")
        try FileManager.default.createDirectory(at: trainer, withIntermediateDirectories: true)
        try Data().write(to: trainer.appendingPathComponent("__main__.py"))
        try FileManager.default.createDirectory(
            at: home.appendingPathComponent("distill/runs/r1/clusters"), withIntermediateDirectories: true)
        let result = try ProcessRunner.run(
            TestEnvironment.binary, ["train", "--run", "r1"], environment: ["UNDERSTUDY_HOME": home.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains(".venv/bin/python") && result.stderr.contains("tools/setup"), "\(result.stderr)")
    }

    @Test func aVenvWithoutTheTrainerPackagesNamesThem() throws {
        try requireEnvironment()
        let systemPython = "/usr/bin/python3"
        try #require(FileManager.default.fileExists(atPath: systemPython), "needs \(systemPython) (no torch there)")
        let home = try TestEnvironment.temporaryDirectory("understudy-home")
        defer { try? FileManager.default.removeItem(at: home) }
        let trainer = home.appendingPathComponent("distill/trainer")
        try FileManager.default.createDirectory(at: trainer, withIntermediateDirectories: true)
        try Data().write(to: trainer.appendingPathComponent("__main__.py"))
        try FileManager.default.createDirectory(
            at: home.appendingPathComponent("distill/runs/r1/clusters"), withIntermediateDirectories: true)
        let bin = home.appendingPathComponent(".venv/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: bin.appendingPathComponent("python").path, withDestinationPath: systemPython)
        let result = try ProcessRunner.run(
            TestEnvironment.binary, ["train", "--run", "r1"], environment: ["UNDERSTUDY_HOME": home.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("packages missing") && result.stderr.contains("torch"), "\(result.stderr)")
        #expect(result.stderr.contains("tools/setup"))
    }

    @Test func aMissingRunSaysToDistillFirst() throws {
        try requireEnvironment()
        let result = try ProcessRunner.run(
            TestEnvironment.binary, ["train", "--run", "no-such-run-\(UUID().uuidString.prefix(6))"],
            environment: ["UNDERSTUDY_HOME": TestEnvironment.repositoryRoot.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("clusters is missing") && result.stderr.contains("understudy distill"))
    }

    @Test func fineTuningWithoutABaseIsBadUsage() throws {
        try requireEnvironment()
        let result = try ProcessRunner.run(TestEnvironment.binary, ["train", "--run", "r1", "--recipe", "lora"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--base"))
    }
}
