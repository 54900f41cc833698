"""The compare report as one self-contained HTML page, for reading in a browser.

Layout: a summary (relation, coverage, likely original and why), the list of what changed
(altered quotes and facts) and of what each side has alone, then both texts side by side
with the aligned sentences coloured per passage. Clicking a change scrolls both texts to
it. Everything is inline (CSS, a little JS, no fonts or images) so the file works offline
and can be mailed or archived as is. Only the standard library is used, so the page can
be written without the ``cli`` extra.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import PurePath

from copytrail.records import ChangeKind, CompareReport, Document, Original, PassageLabel, Role
from copytrail.report.words import CHANGE_TITLES, RELATION_WORDS, language_line, word_diff


@dataclass(frozen=True)
class Layer:
    """Markup to lay over ``text[start:end]``: classes, a hover title and an optional id."""

    start: int
    end: int
    classes: tuple[str, ...] = ()
    title: str | None = None
    id: str | None = None


def render_layers(text: str, layers: list[Layer]) -> str:
    """Escape ``text`` and wrap it in flat spans so each piece carries every layer over it.

    Layers may overlap in any way (a change inside a sentence inside a passage), so rather
    than nesting tags the text is cut at every layer boundary and each piece becomes one
    span with the union of the classes covering it; that is always valid HTML. A layer's
    id goes on its first piece; where two ids start at one place, or a layer is empty, the
    extra ids become empty anchor spans.
    """
    cuts = sorted({0, len(text)} | {x for layer in layers for x in (layer.start, layer.end) if 0 <= x <= len(text)})
    by_start: dict[int, list[Layer]] = {}
    for layer in layers:
        by_start.setdefault(layer.start, []).append(layer)
    active: list[Layer] = []
    out: list[str] = []
    for left, right in zip(cuts, cuts[1:] + [None]):
        starting = by_start.get(left, [])
        active = [layer for layer in active if layer.end > left] + [layer for layer in starting if layer.end > left]
        ids = [layer.id for layer in starting if layer.id]
        if right is None:  # the end of the text: only empty layers can still want an anchor here
            out.extend(f'<span id="{escape(i)}"></span>' for i in ids)
            break
        own_id = next((layer.id for layer in starting if layer.id and layer.end > left), None)
        out.extend(f'<span id="{escape(i)}"></span>' for i in ids if i != own_id)
        piece = escape(text[left:right])
        if not active:
            out.append(piece)
            continue
        classes = " ".join(dict.fromkeys(c for layer in active for c in layer.classes))
        titles = " · ".join(dict.fromkeys(layer.title for layer in active if layer.title))
        attrs = f' class="{escape(classes)}"' if classes else ""
        attrs += f' title="{escape(titles)}"' if titles else ""
        attrs += f' id="{escape(own_id)}"' if own_id else ""
        out.append(f"<span{attrs}>{piece}</span>")
    return "".join(out)


def _passage_colour(k: int) -> str:
    # Golden-angle hue steps keep neighbouring passages apart; high lightness keeps black text readable.
    return f"hsl({(205 + k * 137.508) % 360:.0f} 80% 87%)"


def _layers(report: CompareReport, side: str) -> list[Layer]:
    """Every highlight for one document's column: roles, passages, word diffs, changes, gists."""
    doc: Document = getattr(report, side)
    other: Document = report.b if side == "a" else report.a
    layers: list[Layer] = []
    for seg in doc.segments:
        if seg.role is Role.BOILERPLATE:
            layers.append(Layer(seg.start, seg.end, ("boiler",), f"page chrome: {seg.reason or 'other'}"))
        elif seg.role is Role.CAPTION:
            layers.append(Layer(seg.start, seg.end, ("caption",), f"caption{f': {seg.reason}' if seg.reason else ''}"))
        elif seg.role is Role.HEADING:
            layers.append(Layer(seg.start, seg.end, ("heading",)))
    for k, passage in enumerate(report.passages, 1):
        title = f"passage {k}: {passage.label.value} (similarity {passage.similarity:.2f})"
        mine = sorted({getattr(p, side) for p in passage.pairs})
        for pair in passage.pairs:
            seg, twin = doc.segments[getattr(pair, side)], other.segments[pair.b if side == "a" else pair.a]
            layers.append(Layer(seg.start, seg.end, ("passage", f"p-{k}", f"seg-{seg.index}"), title))
            # Diffed A against B on both columns, so the two columns mark one alignment of the words.
            a_text, b_text = (seg.text, twin.text) if side == "a" else (twin.text, seg.text)
            diffs = word_diff(a_text, b_text)[0 if side == "a" else 1]
            layers.extend(Layer(seg.start + s, seg.start + e, ("diff",)) for s, e in diffs)
        # Colour the spaces between consecutive sentences of a passage too, so it reads as one block.
        for i, j in zip(mine, mine[1:]):
            gap_start, gap_end = doc.segments[i].end, doc.segments[j].start
            if j == i + 1 and doc.text[gap_start:gap_end].strip(" \t") == "":
                layers.append(Layer(gap_start, gap_end, ("passage", f"p-{k}")))
    explanation = report.explanation
    if explanation is not None:
        for n, change in enumerate(explanation.changes):
            span = change.a if side == "a" else change.b
            if span is None:
                continue
            # A whole quote in bold would shout; quotes get the underline only, facts are bold too.
            marked = {ChangeKind.WORDING: (), ChangeKind.ALTERED_QUOTE: ("chg", "quote")}.get(change.kind, ("chg",))
            title = None if change.kind is ChangeKind.WORDING else f"{CHANGE_TITLES[change.kind]}: {change.detail}"
            layers.append(Layer(span.start, span.end, (*marked, f"c-{n}"), title, f"{side}-change-{n}"))
        gists = explanation.only_in_a if side == "a" else explanation.only_in_b
        for j, gist in enumerate(gists):
            layers.append(Layer(gist.span.start, gist.span.end, ("solo", f"o-{side}-{j}"), None, f"{side}-only-{j}"))
    return layers


def _marked(text: str, ranges: list[tuple[int, int]]) -> str:
    return render_layers(text, [Layer(s, e, ("diff",)) for s, e in ranges])


def _change_items(report: CompareReport) -> tuple[str, int]:
    """The clickable "what changed" rows, and how many wording-only changes were left out."""
    rows: list[str] = []
    wording = 0
    for n, change in enumerate(report.explanation.changes):
        if change.kind is ChangeKind.WORDING:
            wording += 1
            continue
        a_text, b_text = change.a_text or "", change.b_text or ""
        if change.kind is ChangeKind.ALTERED_QUOTE and a_text and b_text:
            diff_a, diff_b = word_diff(a_text, b_text)
            left, right = _marked(a_text, diff_a), _marked(b_text, diff_b)
        else:
            left = f'<span class="old">{escape(a_text)}</span>' if a_text else '<span class="none">— (not in A)</span>'
            right = f'<span class="new">{escape(b_text)}</span>' if b_text else '<span class="none">— (not in B)</span>'
        kind = escape(CHANGE_TITLES[change.kind])
        speaker = f'<span class="speaker">{escape(change.speaker)}</span>' if change.speaker else ""
        # A side with no changed stretch still scrolls, to the sentence the change sits in.
        targets = (
            f' data-a="{"a-change-" + str(n) if change.a else ""}" data-a-seg="{change.a_segment}"'
            f' data-b="{"b-change-" + str(n) if change.b else ""}" data-b-seg="{change.b_segment}"'
        )
        rows.append(
            f'<li><button type="button" class="jump change-row" data-change="{n}" data-kind="{change.kind.value}"'
            f'{targets} data-flash="c-{n}" title="{escape(change.detail)}">'
            f'<span class="kind">{kind}{speaker}</span><span class="side">{left}</span>'
            f'<span class="side">{right}</span></button></li>'
        )
    return "".join(rows), wording


def _gist_items(report: CompareReport, side: str) -> str:
    gists = report.explanation.only_in_a if side == "a" else report.explanation.only_in_b
    if not gists:
        return '<p class="none">nothing</p>'
    items = "".join(
        f'<li><button type="button" class="jump" data-{side}="{side}-only-{j}" data-flash="o-{side}-{j}">'
        f"{escape(g.gist)}{' <span class=tag>caption</span>' if g.caption else ''}</button></li>"
        for j, g in enumerate(gists)
    )
    return f"<ul class=gists>{items}</ul>"


def _provenance(report: CompareReport) -> str:
    provenance = report.explanation.provenance
    if provenance.original is Original.UNDECIDED:
        verdict = "<strong>Undecided</strong>: the evidence is thin"
    else:
        doc = report.a if provenance.original is Original.A else report.b
        verdict = (
            f"<strong>{provenance.original.value.upper()}</strong> ({escape(_short(doc.name))}), "
            f"confidence {provenance.confidence:.2f}"
        )
    clues = "".join(
        f"<li><b>{escape(ev.kind)}</b> <span class=favours>"
        f"{'favours neither' if ev.favours is Original.UNDECIDED else 'favours ' + ev.favours.value.upper()}"
        f"</span>: {escape(ev.detail)}</li>"
        for ev in provenance.evidence
    )
    return f"{verdict}<ul class=evidence>{clues}</ul>"


def _short(name: str) -> str:
    return PurePath(name).name or name


def _summary(report: CompareReport) -> str:
    labels = Counter(p.label for p in report.passages)
    counts = ", ".join(f'<span class="lbl {k.value}">{labels[k]} {k.value}</span>' for k in PassageLabel)
    rows = [
        ("A", f'<span class=docname title="{escape(report.a.name)}">{escape(report.a.name)}</span>'),
        ("B", f'<span class=docname title="{escape(report.b.name)}">{escape(report.b.name)}</span>'),
        ("Relation", f"<strong>{escape(RELATION_WORDS[report.relation])}</strong> (score {report.relation_score:.2f})"),
        *([("Languages", escape(line).replace("\n", "<br>"))] if (line := language_line(report)) is not None else []),
        (
            "Coverage",
            f"{report.coverage.a:.0%} of A's story text aligns with B; {report.coverage.b:.0%} of B's with A",
        ),
        ("Passages", f"{len(report.passages)} aligned: {counts}"),
    ]
    if report.explanation is not None:
        rows.append(("Likely original", _provenance(report)))
    return "<dl class=summary>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _explanation(report: CompareReport) -> str:
    if report.explanation is None:
        return ""
    items, wording = _change_items(report)
    listed = f"<ul class=changes>{items}</ul>" if items else '<p class="none">No quotes or facts changed.</p>'
    reworded = f"{wording} sentence{'s' if wording != 1 else ''} reworded with the same facts (not listed)."
    return (
        f"<section><h2>What changed</h2><p class=hint>Click a change to show it in both texts.</p>{listed}"
        f"<p class=reworded>{reworded}</p></section>"
        f"<section class=only-lists><div><h2>Only in A</h2>{_gist_items(report, 'a')}</div>"
        f"<div><h2>Only in B</h2>{_gist_items(report, 'b')}</div></section>"
    )


_LEGEND = (
    '<p class=legend><span class="passage p-1">aligned sentence</span> one colour per passage, the same in A and B · '
    '<span class="passage p-1"><span class="diff">word</span></span> words that differ · '
    '<span class="chg">changed</span> a changed quote or fact · <span class="caption">caption</span> · '
    '<span class="boiler">page chrome</span> (hover for why) · uncoloured text has no counterpart. '
    "<span class=hint>Click an aligned sentence to show its counterpart.</span></p>"
)

_CSS = """
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1b1b;
 background:#fafafa;line-height:1.45}
body{margin:0 auto;padding:1rem 1.5rem 2rem;max-width:1500px}
h1{font-size:1.35rem;margin:.2rem 0 .6rem}h2{font-size:1.1rem;margin:1.1rem 0 .3rem}
.summary{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0;max-width:75rem}
.summary dt{font-weight:600}.summary dd{margin:0}.docname{overflow-wrap:anywhere}
.evidence{margin:.2rem 0 0;padding-left:1.2rem;font-size:.92em}.favours{color:#555}
.lbl{padding:0 .3em;border-radius:3px}.verbatim{background:#d9f2d9}.edited{background:#fbf0c4}
.paraphrased{background:#f1dcf5}.hint,.reworded,.none{color:#555;margin:.2rem 0}
ul.changes,ul.gists{list-style:none;margin:0;padding:0}
button.jump{font:inherit;color:inherit;text-align:left;width:100%;background:#fff;border:1px solid #ddd;
 border-radius:5px;padding:.35rem .6rem;margin:.2rem 0;cursor:pointer}
button.jump:hover,button.jump:focus-visible{border-color:#5b8def;background:#f3f7ff}
.change-row{display:grid;grid-template-columns:10rem 1fr 1fr;gap:.8rem}
.kind{font-weight:600}.speaker{display:block;font-weight:400;color:#555;font-size:.9em}
.old{color:#a61b1b}.new{color:#17672a}
.tag{font-size:.8em;color:#555;border:1px solid #bbb;border-radius:3px;padding:0 .25em}
.only-lists{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
.legend{font-size:.9em;color:#333;margin:1rem 0 .4rem}
.texts{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.col h2{font-size:1rem;margin:0 0 .3rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.text{height:80vh;overflow-y:auto;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #ccc;
 border-radius:5px;padding:.6rem .9rem;font-size:.95rem;line-height:1.6;max-width:46rem}
.boiler{color:#8a8a8a}.caption{font-style:italic}.heading{font-weight:700}
.diff{text-decoration:underline dotted rgba(0,0,0,.5);text-underline-offset:3px}
.chg{font-weight:700;text-decoration:underline solid #c0392b 2px;text-underline-offset:3px}
.chg.quote{font-weight:inherit}
.flash{outline:3px solid #e8590c;outline-offset:1px;border-radius:2px;animation:flash 2s ease-out}
@keyframes flash{0%,40%{background:#ffd8a8}}
@media print{
 *{print-color-adjust:exact;-webkit-print-color-adjust:exact}
 body{max-width:none;padding:0;background:#fff}.hint{display:none}
 button.jump{border:none;padding:.1rem 0;background:none}
 .text{height:auto;overflow:visible;border:none;padding:0;font-size:9pt;max-width:none}
 .change-row{grid-template-columns:7rem 1fr 1fr}
}
"""

_JS = """
(() => {
  const cols = {a: document.getElementById('text-a'), b: document.getElementById('text-b')};
  // Scroll the page to the texts, and each column (its own scroller) so the target sits a third down.
  function show(side, el) {
    const col = cols[side];
    const top = el.getBoundingClientRect().top - col.getBoundingClientRect().top + col.scrollTop;
    col.scrollTo({top: Math.max(0, top - col.clientHeight / 3), behavior: 'smooth'});
  }
  function flash(selector) {
    document.querySelectorAll(selector).forEach(el => {
      el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash');
      setTimeout(() => el.classList.remove('flash'), 2500);
    });
  }
  function target(side, data) {
    return (data[side] && document.getElementById(data[side])) ||
      (data[side + 'Seg'] !== undefined && cols[side].querySelector('.seg-' + data[side + 'Seg']));
  }
  document.querySelectorAll('button.jump').forEach(btn => btn.addEventListener('click', () => {
    const texts = document.getElementById('texts');
    if (texts.getBoundingClientRect().top < 0 || texts.getBoundingClientRect().top > 40)
      window.scrollTo({top: window.scrollY + texts.getBoundingClientRect().top, behavior: 'smooth'});
    for (const side of ['a', 'b']) { const el = target(side, btn.dataset); if (el) show(side, el); }
    flash('.' + btn.dataset.flash);
  }));
  // Clicking an aligned sentence shows its counterpart in the other column.
  const pairs = JSON.parse(document.getElementById('pairs').textContent);
  for (const [side, other] of [['a', 'b'], ['b', 'a']]) {
    cols[side].addEventListener('click', ev => {
      const seg = ev.target.closest('.passage[class*="seg-"]');
      if (!seg || window.getSelection().toString()) return;
      const i = seg.className.match(/\\bseg-(\\d+)/)[1];
      const twins = pairs[side][i] || [];
      if (!twins.length) return;
      show(other, cols[other].querySelector('.seg-' + twins[0]));
      flash(twins.map(j => '#text-' + other + ' .seg-' + j).join(','));
    });
  }
})();
"""


def render_html(report: CompareReport) -> str:
    """The whole report as one HTML page (UTF-8 text, no external resources)."""
    a, b = report.a, report.b
    palette = "".join(f".p-{k}{{background:{_passage_colour(k)}}}" for k in range(1, max(len(report.passages), 1) + 1))
    pairs: dict[str, dict[int, list[int]]] = {"a": {}, "b": {}}
    for passage in report.passages:
        for pair in passage.pairs:
            pairs["a"].setdefault(pair.a, []).append(pair.b)
            pairs["b"].setdefault(pair.b, []).append(pair.a)
    # "</" cannot appear in JSON of ints, so the script element cannot be closed early.
    pairs_json = json.dumps(pairs, separators=(",", ":"))
    columns = "".join(
        f'<div class=col><h2 title="{escape(doc.name)}">{side.upper()}: {escape(_short(doc.name))}</h2>'
        f'<div class=text id="text-{side}">{render_layers(doc.text, _layers(report, side))}</div></div>'
        for side, doc in (("a", a), ("b", b))
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>copytrail: {escape(_short(a.name))} vs {escape(_short(b.name))}</title>"
        f"<style>{_CSS}{palette}</style></head><body>"
        f"<header><h1>copytrail compare</h1>{_summary(report)}</header>"
        f"{_explanation(report)}{_LEGEND}"
        f'<section class=texts id="texts">{columns}</section>'
        f'<script type="application/json" id="pairs">{pairs_json}</script>'
        f"<script>{_JS}</script></body></html>\n"
    )
