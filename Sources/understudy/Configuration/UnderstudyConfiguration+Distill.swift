import TOMLKit

extension UnderstudyConfiguration {
    /// `[distill]` of `understudy.toml`: defaults for every `understudy distill` stage. Each key is
    /// the long option of the same name with `_` for `-`; an option given on the command line wins.
    ///
    /// ```toml
    /// [distill]
    /// runs = "distill/runs"
    /// mode = "surrogate"                  # or "placeholder"
    /// key_file = "~/.config/understudy/anon.key"   # the anonymization key (never stored in a run)
    /// near_threshold = 0.9
    /// near_dedup = true
    /// num_perm = 128
    /// shingle = 3
    /// person_threshold = 0.5
    /// address_threshold = 0.5
    /// max_message_bytes = 32768
    /// prices = "prices.json"
    /// augment = 0
    /// algorithm = "hdbscan"               # or "kmeans"
    /// min_cluster_size = 5
    /// embedding_model = "/models/all-MiniLM-L6-v2"
    /// hashing_embedder = false
    /// ```
    struct Distill {
        var runs: String?
        var mode: String?
        var keyFile: String?
        var nearThreshold: Double?
        var nearDuplicates: Bool?
        var numPerm: Int?
        var shingle: Int?
        var personThreshold: Double?
        var addressThreshold: Double?
        var maxMessageBytes: Int?
        var prices: String?
        var augment: Int?
        var algorithm: String?
        var minClusterSize: Int?
        var embeddingModel: String?
        var hashingEmbedder: Bool?

        init() {}

        /// Reads and range-checks the section, so a bad value names the file and key rather than
        /// surfacing later as a confusing failure of some stage.
        init(_ section: TOMLTable, _ reader: SectionReader) throws {
            let name = "distill"
            try reader.allow(section, name, [
                "runs", "mode", "key_file", "near_threshold", "near_dedup", "num_perm", "shingle", "person_threshold",
                "address_threshold", "max_message_bytes", "prices", "augment", "algorithm", "min_cluster_size",
                "embedding_model", "hashing_embedder",
            ])
            func check(_ ok: Bool, _ key: String, _ rule: String) throws {
                if !ok { throw CLIError("\(reader.path): [distill] \(key) \(rule)") }
            }
            runs = try reader.string(section, name, "runs")
            mode = try reader.string(section, name, "mode")
            try check(mode.map { ["surrogate", "placeholder"].contains($0) } ?? true, "mode", "must be surrogate or placeholder")
            keyFile = try reader.string(section, name, "key_file")
            nearThreshold = try reader.number(section, name, "near_threshold")
            try check(nearThreshold.map { $0 > 0 && $0 <= 1 } ?? true, "near_threshold", "must be in (0, 1]")
            nearDuplicates = try reader.bool(section, name, "near_dedup")
            numPerm = try reader.integer(section, name, "num_perm")
            try check(numPerm.map { (8...1024).contains($0) } ?? true, "num_perm", "must be between 8 and 1024")
            shingle = try reader.integer(section, name, "shingle")
            try check(shingle.map { $0 >= 1 } ?? true, "shingle", "must be at least 1")
            personThreshold = try reader.number(section, name, "person_threshold")
            try check(personThreshold.map { (0...1).contains($0) } ?? true, "person_threshold", "must be in [0, 1]")
            addressThreshold = try reader.number(section, name, "address_threshold")
            try check(addressThreshold.map { (0...1).contains($0) } ?? true, "address_threshold", "must be in [0, 1]")
            maxMessageBytes = try reader.integer(section, name, "max_message_bytes")
            try check(maxMessageBytes.map { $0 >= 256 } ?? true, "max_message_bytes", "must be at least 256")
            prices = try reader.string(section, name, "prices")
            augment = try reader.integer(section, name, "augment")
            try check(augment.map { (0...16).contains($0) } ?? true, "augment", "must be between 0 and 16")
            algorithm = try reader.string(section, name, "algorithm")
            try check(algorithm.map { ["hdbscan", "kmeans"].contains($0) } ?? true, "algorithm", "must be hdbscan or kmeans")
            minClusterSize = try reader.integer(section, name, "min_cluster_size")
            try check(minClusterSize.map { $0 >= 2 } ?? true, "min_cluster_size", "must be at least 2")
            embeddingModel = try reader.string(section, name, "embedding_model")
            hashingEmbedder = try reader.bool(section, name, "hashing_embedder")
        }
    }
}
