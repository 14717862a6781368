import UnderstudyArchive

extension ArchiveWriter: ExchangeSink {}
