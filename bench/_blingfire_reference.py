"""copytrail's sentence splitter until sentencex replaced it: blingfire, with offsets mapped to code points.

The reference ``bench/sentence_split.py`` measures the sentencex splitter against
(``copytrail.normalize.sentences``), and that ``tests/normalize/test_sentences.py`` checks
agreement with on BBC paragraphs. blingfire is a dev dependency (99 MB installed, most of it
tokenizer models): copytrail itself does not import it.
"""

from __future__ import annotations

import ctypes

import blingfire
import numpy as np


def blingfire_offsets(chunk: str) -> list[tuple[int, int]]:
    """blingfire's sentences of ``chunk`` as code-point ``(start, end)`` offsets.

    The same answer as ``blingfire.text_to_sentences_and_offsets(chunk)[1]`` (a property
    test holds them equal), at a fraction of the cost: blingfire's own wrapper maps byte
    offsets to code points in a Python loop over every byte, 1.6 s of a 1 MB ``compare``.
    Here ASCII needs no mapping and other text is mapped with one cumulative sum.
    """
    encoded = chunk.encode("utf-8")
    if not encoded:
        return []
    capacity = 2 * len(encoded)
    output = ctypes.create_string_buffer(capacity)
    starts, ends = (ctypes.c_int32 * capacity)(), (ctypes.c_int32 * capacity)()
    found = blingfire.blingfire.TextToSentencesWithOffsets(
        ctypes.c_char_p(encoded), ctypes.c_int(len(encoded)), ctypes.byref(output),
        ctypes.byref(starts), ctypes.byref(ends), ctypes.c_int(capacity),
    )  # fmt: skip
    if found == -1 or found > capacity:
        return []
    count = output.value.count(b"\n") + 1
    # blingfire's end offsets are inclusive byte positions.
    bounds = np.empty(2 * count, dtype=np.int64)
    bounds[0::2] = np.frombuffer(starts, dtype=np.int32, count=count)
    bounds[1::2] = np.frombuffer(ends, dtype=np.int32, count=count) + 1
    # The first byte of each code point, and the end of the text: where a bound may fall.
    leading = np.append(np.frombuffer(encoded, dtype=np.uint8) & 0xC0 != 0x80, True)
    if bounds.min() < 0 or bounds.max() > len(encoded) or np.any(np.diff(bounds) < 0) or not leading[bounds].all():
        # Bounds the wrapper's loop reads its own way (whitespace after a no-break space ends
        # mid-character): its answer, whatever it is.
        return blingfire.text_to_sentences_and_offsets(chunk)[1]
    if len(encoded) != len(chunk):
        bounds = np.concatenate(([0], np.cumsum(leading[:-1])))[bounds]
    flat = bounds.tolist()
    return list(zip(flat[0::2], flat[1::2]))
