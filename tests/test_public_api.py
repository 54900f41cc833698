"""The public API is what __all__ says, and every name in it exists."""

import copytrail


def test_exported_members() -> None:
    exported = set(copytrail.__all__)
    assert {"compare", "CompareReport", "Relation", "CopytrailError", "load_text"} <= exported
    for name in exported:
        assert hasattr(copytrail, name), name
    public = {n for n in dir(copytrail) if not n.startswith("_")}
    modules = {
        "align",
        "archive",
        "cache",
        "cli",
        "compare",
        "cores",
        "embed",
        "errors",
        "executors",
        "explain",
        "ingest",
        "lang",
        "models",
        "normalize",
        "pipeline",
        "records",
        "report",
        "scan",
        "schemas",
        "service",
    }
    assert public - exported - modules == set()
