"""--device: CUDA where it can be used, the CPU otherwise, said once; the same vectors either way."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from copytrail.cli.main import main
from copytrail.compare import CompareConfig
from copytrail.embed import device as device_module
from copytrail.embed import load_embedder
from copytrail.embed.device import check_device, onnx_fallback_reason, onnx_providers
from copytrail.errors import EmbedderError
from tests.conftest import KHERSON_COPY, KHERSON_ORIGINAL, require_shared

SENTENCES = ["Russia has said it is withdrawing its troops from Kherson.", "The council closed the bridge."]
CUDA, CPU = "CUDAExecutionProvider", "CPUExecutionProvider"


@pytest.fixture(autouse=True)
def say_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees the once-per-process line afresh."""
    monkeypatch.setattr(device_module, "_said", set())


def test_providers_follow_the_device_and_what_is_installed() -> None:
    assert onnx_providers("cpu", [CUDA, CPU]) == [CPU]
    assert onnx_providers("cuda", [CUDA, CPU]) == onnx_providers("auto", [CUDA, CPU]) == [CUDA, CPU]
    assert onnx_providers("cuda", [CPU]) == onnx_providers("auto", [CPU]) == [CPU]
    assert onnx_fallback_reason([CUDA, CPU], [CUDA, CPU]) is None
    assert "onnxruntime-gpu" in onnx_fallback_reason([CPU], [CPU])
    assert "could not start" in onnx_fallback_reason([CUDA, CPU], [CPU])


def test_an_unknown_device_is_refused_with_the_choices() -> None:
    assert check_device("auto") == "auto"
    with pytest.raises(EmbedderError, match="cpu, cuda, auto"):
        load_embedder("hashing", device="tpu")
    with pytest.raises(ValueError, match="device"):
        CompareConfig(device="gpu")


def test_cuda_without_a_gpu_embeds_on_the_cpu_says_so_once_and_gives_the_same_vectors(capsys) -> None:  # noqa: ANN001
    from copytrail.embed.minilm import MiniLMEmbedder

    ort = pytest.importorskip("onnxruntime")
    if CUDA in ort.get_available_providers():
        pytest.skip("this machine's ONNX Runtime has CUDA: the fallback is not what runs")
    on_cpu, asked_cuda = MiniLMEmbedder(device="cpu"), MiniLMEmbedder(device="cuda")
    expected = on_cpu.embed(SENTENCES)
    capsys.readouterr()
    assert np.array_equal(asked_cuda.embed(SENTENCES), expected)
    asked_cuda.embed(SENTENCES)
    assert asked_cuda.device_in_use == on_cpu.device_in_use == "cpu"
    said = capsys.readouterr().err.splitlines()
    assert said == [
        "copytrail: --device cuda: this ONNX Runtime has no CUDA provider (install onnxruntime-gpu in place of "
        "onnxruntime); all-MiniLM-L6-v2 embeds on the CPU"
    ]
    assert np.array_equal(MiniLMEmbedder(device="auto").embed(SENTENCES), expected)
    assert capsys.readouterr().err == ""  # auto falls back quietly


def test_compare_on_cuda_without_a_gpu_reports_what_the_cpu_reports() -> None:
    require_shared(KHERSON_ORIGINAL)
    reports = {}
    for device in ("cpu", "cuda"):
        done = CliRunner().invoke(
            main, ["compare", str(KHERSON_ORIGINAL), str(KHERSON_COPY), "--json", "--no-text", "--device", device]
        )
        assert done.exit_code == 0, done.output
        reports[device] = json.loads(done.stdout)
        reports[device].pop("timings")
    assert reports["cuda"] == reports["cpu"]
    assert reports["cpu"]["relation"] == "rewrite"
    refused = CliRunner().invoke(main, ["compare", str(KHERSON_ORIGINAL), str(KHERSON_COPY), "--device", "gpu"])
    assert refused.exit_code == 2 and "'gpu' is not one of 'cpu', 'cuda', 'auto'" in refused.output


def test_torch_models_fall_back_to_the_cpu_the_same_way(capsys) -> None:  # noqa: ANN001
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU: the fallback is not what runs")
    assert device_module.torch_device("cpu", "LaBSE") == "cpu"
    assert device_module.torch_device("auto", "LaBSE") == "cpu"
    assert capsys.readouterr().err == ""
    assert device_module.torch_device("cuda", "LaBSE") == "cpu"
    assert capsys.readouterr().err == "copytrail: --device cuda: torch finds no CUDA GPU; LaBSE embeds on the CPU\n"


def test_scan_and_serve_check_the_device_too() -> None:
    from copytrail.scan.config import VerifyConfig
    from copytrail.service import ServiceConfig

    assert VerifyConfig(device="auto").device == "auto"
    with pytest.raises(ValueError, match="device"):
        VerifyConfig(device="gpu")
    with pytest.raises(ValueError, match="device"):
        ServiceConfig(token="t" * 16, device="gpu")


def test_scan_on_cuda_without_a_gpu_finds_the_pairs_the_cpu_finds(tmp_path) -> None:  # noqa: ANN001
    pytest.importorskip("pyarrow")
    require_shared(KHERSON_ORIGINAL)
    folder = tmp_path / "docs"
    folder.mkdir()
    for path in (KHERSON_ORIGINAL, KHERSON_COPY):
        (folder / path.name).write_bytes(path.read_bytes())
    pairs = {}
    for device in ("cpu", "cuda"):
        out = tmp_path / device
        done = CliRunner().invoke(
            main, ["scan", str(folder), "--out", str(out), "--no-progress", "--embedder", "minilm", "--device", device]
        )
        assert done.exit_code == 0, done.output
        pairs[device] = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert pairs["cuda"] == pairs["cpu"]
    assert [p["relation"] for p in pairs["cpu"]] == ["rewrite"]
