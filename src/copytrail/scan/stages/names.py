"""The artifacts of a scan's output folder, by the names stages declare them."""

DOCUMENTS = "documents.jsonl"
SKIPPED = "documents-skipped.jsonl"
FINGERPRINTS = "fingerprints"  # a dataset folder
CANDIDATES = "candidates.jsonl"
SENTENCE_KEYS = "sentence-keys"  # a dataset folder
COMMON = "common-text.npz"
PAIRS = "pairs.jsonl"
PAIRS_PARQUET = "pairs.parquet"
PAIR_REPORTS = "pair-reports.parquet"
FAMILIES = "families.jsonl"
FAMILIES_PARQUET = "families.parquet"
STATS = "stats.json"
REPORT = "report.html"
