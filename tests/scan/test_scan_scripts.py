"""A near copy in Chinese, Japanese, Arabic or Russian is found as an English one is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copytrail.scan import scan
from tests.normalize.test_scripts import AR, JA, ZH

pytest.importorskip("datasketch")

RU = (
    "Мюнстер обыграл Ос в непредсказуемой игре\n\n"
    "Мюнстер обыграл Ос в захватывающе непредсказуемой игре Кубка чемпионов, в которой участвовали "
    "экспериментальные команды в условиях сложностей из-за ковида и травм. Захватывающая первая половина "
    "закончилась тем, что Мюнстер лидировал со счетом 13:7 после того, как капитан Оса был удален.\n\n"
    "Во втором тайме хозяева поля добавили ещё две попытки и удержали победу до финального свистка."
)


def _edited(text: str) -> str:
    swaps = {
        "很久": "很长时间",
        "沉重": "严重",
        "选举": "投票",
        "国际社会": "世界各国",
        "念願": "長年",
        "大きな": "深刻な",
        "選挙": "投票",
        "国際社会": "世界",
        "الكثير": "القليل",
        "الجديد": "القديم",
        "непредсказуемой": "неожиданной",
        "ещё две": "три",
    }
    for old, new in swaps.items():
        text = text.replace(old, new)
    return text


def test_near_copies_in_every_script_are_found_and_nothing_else(tmp_path: Path) -> None:
    originals = {"zh": ZH, "ja": JA, "ar": AR, "ru": RU}
    records = [{"id": lang, "text": text} for lang, text in originals.items()]
    records += [{"id": f"{lang}-copy", "text": _edited(text)} for lang, text in originals.items()]
    assert all(r["text"] != originals[r["id"][:2]] for r in records if r["id"].endswith("copy"))
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    result = scan([corpus], tmp_path / "out")
    found = {(p.id_a, p.id_b): p.relation.value for p in result.pairs}
    assert found == {(lang, f"{lang}-copy"): "near_duplicate" for lang in originals}
