"""The collection report of a scan: one HTML page of every reuse family, plus compare pages.

``report.html`` lists the families, largest first, each with its likely original, its
members and its pairs; the most important pairs also get a full compare report (the
same page as ``copytrail compare --html``) in ``compare/<n>.html``. Everything is inline
(CSS, a little JS, no fonts or images), so the folder works offline from file:// and
prints. Ids, sources, URLs and texts come from untrusted web pages: every one is escaped,
and only http(s) URLs become links.

A collection of a million documents can hold a hundred thousand families, so the page
shows the first 500, reveals more 500 at a time, and holds at most 5,000 (the rest are
counted and left to families.jsonl).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from copytrail.normalize.scripts import count_words
from copytrail.records import CompareReport, Relation
from copytrail.report.words import RELATION_WORDS
from copytrail.scan.records import ReuseFamily, ReusePair, ScanDocument

__all__ = ["write_collection_report"]

SHOWN_FAMILIES = 500  # visible when the page opens; "show more" reveals this many more per click
MAX_FAMILIES = 5_000  # on the page at all, so a huge collection still gives a page a browser opens
MAX_MEMBERS = 100  # member rows per family (a wire story can have thousands of reprints)
MAX_PAIRS = 100  # pair rows per family; compare pages are made only for pairs that have a row

ORIGINAL_REASONS = {
    "votes": "most pair comparisons name it the original",
    "earliest": "the earliest date (the comparisons did not decide)",
    "undecided": "no evidence names an original",
}
_COMPARE_NAME = re.compile(r"\d+\.html")

# --- templates ---------------------------------------------------------------------------------
# The look follows the compare report (copytrail/report/html.py): same font stack, greys,
# borders and focus blue; relations take the colours of the passage labels there.

_CSS = """
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1b1b;
 background:#fafafa;line-height:1.45}
body{margin:0 auto;padding:1rem 1.5rem 2rem;max-width:1500px}
h1{font-size:1.35rem;margin:.2rem 0 .6rem}h2{font-size:1.1rem;margin:0}
.summary{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0;max-width:75rem}
.summary dt{font-weight:600}.summary dd{margin:0}
.hint,.none,.note{color:#555;margin:.3rem 0}.note{font-size:.92em;max-width:75rem}
.controls{position:sticky;top:0;z-index:1;background:#fafafa;display:flex;flex-wrap:wrap;gap:.6rem 1rem;
 align-items:center;padding:.6rem 0;border-bottom:1px solid #ddd;margin:.8rem 0}
.controls input,.controls select{font:inherit;padding:.3rem .5rem;border:1px solid #bbb;border-radius:5px;
 background:#fff}
.controls input{width:min(28rem,100%)}#status{color:#555}
:is(input,select,button,a):focus-visible{outline:2px solid #5b8def;outline-offset:1px}
.family{background:#fff;border:1px solid #ddd;border-radius:5px;padding:.6rem .9rem;margin:.8rem 0}
.family header{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:baseline;margin-bottom:.4rem}
.famid{color:#777;font-size:.85em}
table{border-collapse:collapse;width:100%;font-size:.93em;margin:.3rem 0;table-layout:fixed}
table.pairs{margin-top:.8rem}
/* Shares, not fixed sizes, so the relation and first-line columns keep room on narrow screens and paper. */
.w-doc{width:19%}.w-source{width:11%}.w-date{width:9%}.w-url{width:16%}.w-len{width:9%}
.w-cov{width:11%}.w-score{width:6%}.w-open{width:11%}
tr.cmd td{border-top:none;padding-top:0;color:#555;font-size:.92em}
th{text-align:left;font-weight:600;color:#555;font-size:.9em;border-bottom:1px solid #ddd;padding:.15rem .5rem}
td{border-top:1px solid #eee;padding:.2rem .5rem;vertical-align:top}
td.id{overflow-wrap:anywhere}td.num{text-align:right;white-space:nowrap}
td.url{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
td.headline{color:#444}
tr.original td{background:#f3f7ff}
.tag{font-size:.8em;border:1px solid #5b8def;color:#1f4fb5;border-radius:3px;padding:0 .3em;white-space:nowrap}
.why{display:block;color:#555;font-size:.85em;margin-top:.1rem}
.rel{padding:0 .3em;border-radius:3px;white-space:nowrap;font-weight:600}
.duplicate{background:#d9f2d9}.near_duplicate{background:#fbf0c4}.rewrite{background:#f1dcf5}
.partial_reuse{background:#d6eaf8}.same_story,.unrelated{background:#eee}
.relwords{color:#444}.note code{white-space:nowrap}
a{color:#1f4fb5}a.open{white-space:nowrap}
code{font-size:.85em;background:#f3f3f3;border:1px solid #e3e3e3;border-radius:3px;padding:0 .3em;
 overflow-wrap:anywhere;user-select:all}
.more-rows{color:#555;font-size:.9em;margin:.2rem 0 0}
button.more{font:inherit;background:#fff;border:1px solid #bbb;border-radius:5px;padding:.4rem 1rem;cursor:pointer}
button.more:hover{border-color:#5b8def;background:#f3f7ff}
@media print{
 *{print-color-adjust:exact;-webkit-print-color-adjust:exact}
 body{max-width:none;padding:0;background:#fff}.controls,button.more,.hint{display:none}
 .family{break-inside:avoid;border-color:#bbb}
}
"""

# Filtering runs over the families already on the page: each keeps its lower-cased text
# (ids, sources, URLs, headlines) so typing does not re-read the DOM.
_JS = """
(() => {
  const fams = Array.from(document.querySelectorAll('section.family'));
  const texts = fams.map(f => f.textContent.toLowerCase());
  const box = document.getElementById('filter'), rel = document.getElementById('relation');
  const more = document.getElementById('more'), status = document.getElementById('status');
  const step = Number(more.dataset.step), fmt = n => n.toLocaleString('en');
  let limit = step;
  function update() {
    const words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let matching = 0, shown = 0;
    fams.forEach((fam, i) => {
      const ok = words.every(w => texts[i].includes(w)) &&
        (!rel.value || fam.dataset.rels.split(' ').includes(rel.value));
      if (ok) matching++;
      fam.hidden = !(ok && shown < limit);
      if (!fam.hidden) shown++;
    });
    const filtered = words.length || rel.value;
    status.textContent = filtered
      ? `${fmt(matching)} of ${fmt(fams.length)} families match` + (shown < matching ? `, showing ${fmt(shown)}` : '')
      : `showing ${fmt(shown)} of ${fmt(fams.length)} families`;
    more.hidden = shown >= matching;
    document.getElementById('nomatch').hidden = matching > 0 || !fams.length;
    more.textContent = `Show ${fmt(Math.min(step, matching - shown))} more`;
  }
  box.addEventListener('input', update);
  rel.addEventListener('change', update);
  more.addEventListener('click', () => { limit += step; update(); });
  update();
})();
"""

_BACK_LINK = '<p style="margin:0 0 .4rem"><a href="../report.html">&larr; back to the collection report</a></p>'


def _page(title: str, header: str, controls: str, families: str, footer: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>copytrail scan: reuse in the collection</h1>{header}</header>"
        f"{controls}<main id=families>{families}</main>{footer}"
        f"<script>{_JS}</script></body></html>\n"
    )


# --- ranking -----------------------------------------------------------------------------------


def _reused_chars(pair: ReusePair, documents: Mapping[str, ScanDocument]) -> float:
    """Roughly how much text a pair shares: each side's aligned share times its length."""
    a, b = documents.get(pair.id_a), documents.get(pair.id_b)
    return pair.coverage_a * (len(a.text) if a else 0) + pair.coverage_b * (len(b.text) if b else 0)


def _rank(
    families: Sequence[ReuseFamily], pairs: Sequence[ReusePair], documents: Mapping[str, ScanDocument]
) -> list[tuple[ReuseFamily, list[ReusePair]]]:
    """Families by size, then by how much text they share; each with its pairs, best score first."""
    family_of = {m: k for k, fam in enumerate(families) for m in fam.members}
    inside: dict[int, list[ReusePair]] = defaultdict(list)
    for p in pairs:
        if p.id_a in family_of:
            inside[family_of[p.id_a]].append(p)
    amount = {k: sum(_reused_chars(p, documents) for p in ps) for k, ps in inside.items()}
    order = sorted(range(len(families)), key=lambda k: (-families[k].size, -amount.get(k, 0.0), families[k].id))
    return [(families[k], sorted(inside[k], key=lambda p: (-p.score, p.id_a, p.id_b))) for k in order]


# --- compare pages -----------------------------------------------------------------------------


def _write_compare_pages(
    out_dir: Path,
    chosen: Sequence[ReusePair],
    documents: Mapping[str, ScanDocument],
    embedder: str,
    advance: Callable[[int], None],
    saved: Callable[[ReusePair], CompareReport | None],
) -> None:
    """``compare/<n>.html`` for the n-th chosen pair: the report the verify stage saved, rendered.

    Only a pair verify settled without comparing (an exact copy: the same words) has no
    saved report; it is compared here, as ``copytrail compare --html`` would. A saved report
    without its explanation (verify names only the original unless ``explain_all``) is
    explained here, for the pairs that get a page.
    """
    from copytrail.explain import explain
    from copytrail.report.html import render_html

    folder = out_dir / "compare"
    folder.mkdir(parents=True, exist_ok=True)
    written = set()
    for n, pair in enumerate(chosen, 1):
        report = saved(pair) or _compare(pair, documents, embedder)
        if report.explanation is None:  # verify named the original only (VerifyConfig.explain_all)
            report = dataclasses.replace(report, explanation=explain(report))
        # render_html's page starts with a fixed "<body>" (names are escaped), so a back link fits there.
        page = render_html(report).replace("<body>", "<body>" + _BACK_LINK, 1)
        (folder / f"{n}.html").write_text(page, encoding="utf-8")
        written.add(f"{n}.html")
        advance(1)
    # Pages of an earlier, longer run would otherwise sit there unlinked.
    for stale in folder.glob("*.html"):
        if _COMPARE_NAME.fullmatch(stale.name) and stale.name not in written:
            stale.unlink()


def _compare(pair: ReusePair, documents: Mapping[str, ScanDocument], embedder: str) -> CompareReport:
    from copytrail.compare import CompareConfig, compare_documents
    from copytrail.embed import load_embedder
    from copytrail.normalize import prepare_document
    from copytrail.scan.verify import as_loaded

    model = load_embedder(embedder, persistent=False) if embedder != "none" else None
    a, b = (prepare_document(as_loaded(documents[i])) for i in (pair.id_a, pair.id_b))
    return compare_documents(a, b, embedder=model, config=CompareConfig(embedder=embedder, explain=True))


# --- the page ----------------------------------------------------------------------------------


def _headline(text: str) -> str:
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= 120 else line[:119] + "…"


def _link(url: str | None) -> str:
    if not url:
        return ""
    # A javascript: or data: URL from a scraped page must never become clickable.
    if not re.match(r"https?://", url, re.IGNORECASE):
        return escape(url)
    # The scheme and "www." say nothing in a narrow column; the host and path do.
    shown = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
    return f'<a href="{escape(url)}" rel="noopener noreferrer" title="{escape(url)}">{escape(shown)}</a>'


def _members(fam: ReuseFamily, documents: Mapping[str, ScanDocument], fields: Sequence[str]) -> str:
    """The member table; ``fields`` are the metadata columns any member on the page has."""
    ordered = [*([fam.original] if fam.original else []), *(m for m in fam.members if m != fam.original)]
    rows = []
    for m in ordered[:MAX_MEMBERS]:
        doc = documents.get(m)
        is_original = m == fam.original
        why = escape(ORIGINAL_REASONS.get(fam.original_reason, fam.original_reason))
        tag = f" <span class=tag>likely original</span><span class=why>{why}</span>" if is_original else ""
        meta = {
            "source": f"<td>{escape(doc.source or '') if doc else ''}</td>",
            "date": f"<td>{escape(doc.date or '') if doc else ''}</td>",
            "url": f"<td class=url>{_link(doc.url) if doc else ''}</td>",
        }
        words = f"{count_words(doc.text):,} words" if doc else "text not loaded"
        rows.append(
            f"<tr{' class=original' if is_original else ''}><td class=id>{escape(m)}{tag}</td>"
            f"{''.join(meta[f] for f in fields)}<td class=num>{words}</td>"
            f"<td class=headline>{escape(_headline(doc.text)) if doc else ''}</td></tr>"
        )
    more = len(ordered) - MAX_MEMBERS
    rest = f"<p class=more-rows>… and {more:,} more members (see families.jsonl)</p>" if more > 0 else ""
    heads = "".join(f"<th class=w-{f}>{f.capitalize() if f != 'url' else 'URL'}</th>" for f in fields)
    return (
        f"<table class=members><thead><tr><th class=w-doc>Document</th>{heads}<th class=w-len>Length</th>"
        f"<th>First line</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{rest}"
    )


def _pair_rows(ps: Sequence[ReusePair], links: Mapping[tuple[str, str], int], embedder: str) -> str:
    rows = []
    for p in ps[:MAX_PAIRS]:
        name, _, gloss = RELATION_WORDS[p.relation].partition(": ")
        ids = "".join(
            f"<td class=id>{escape(side)}{' <span class=tag>original</span>' if p.original == side else ''}</td>"
            for side in (p.id_a, p.id_b)
        )
        n = links.get((p.id_a, p.id_b))
        action = (
            f'<a class=open href="compare/{n}.html">compare &rsaquo;</a>' if n else "<span class=none>no page</span>"
        )
        rows.append(
            f"<tr>{ids}<td><span class='rel {p.relation.value}'>{escape(name)}</span>"
            f"{f' <span class=relwords>{escape(gloss)}</span>' if gloss else ''}</td>"
            f'<td class=num title="share of each side\'s story text that aligns with the other">'
            f"{p.coverage_a:.0%} / {p.coverage_b:.0%}</td><td class=num>{p.score:.2f}</td><td>{action}</td></tr>"
        )
        if n is None:
            # A full-width row: the command is too long for a table cell.
            quoted = f"{shlex.quote(p.id_a)} {shlex.quote(p.id_b)}"
            command = f"copytrail compare {quoted} --embedder {shlex.quote(embedder)} --html pair.html"
            rows.append(f"<tr class=cmd><td colspan=6>to compare: <code>{escape(command)}</code></td></tr>")
    more = len(ps) - MAX_PAIRS
    rest = f"<p class=more-rows>… and {more:,} more pairs (see pairs.jsonl)</p>" if more > 0 else ""
    return (
        "<table class=pairs><thead><tr><th class=w-doc>A</th><th class=w-doc>B</th><th>Relation</th>"
        "<th class=w-cov>Coverage A / B</th><th class=w-score>Score</th><th class=w-open>Compare report</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{rest}"
    )


def _family(
    rank: int,
    fam: ReuseFamily,
    ps: Sequence[ReusePair],
    documents: Mapping[str, ScanDocument],
    links: Mapping[tuple[str, str], int],
    embedder: str,
    fields: Sequence[str],
) -> str:
    rels = sorted({p.relation.value for p in ps})
    counts = ", ".join(f"{c:,} {r.replace('_', '-')}" for r, c in fam.relations)
    hidden = " hidden" if rank > SHOWN_FAMILIES else ""
    undecided = (
        "<p class=undecided>Likely original: undecided. No comparison or date names one.</p>"
        if fam.original is None
        else ""
    )
    related = (
        "<p class=related>Related families (a small shared passage, not merged): "
        + ", ".join(f'<a href="#{escape(r)}">{escape(r)}</a>' for r in fam.related)
        + "</p>"
        if fam.related
        else ""
    )
    return (
        f'<section class=family id="{escape(fam.id)}" data-rels="{escape(" ".join(rels))}"{hidden}>'
        f"<header><h2>{rank:,}. {fam.size:,} documents, {fam.pairs:,} pair{'s' if fam.pairs != 1 else ''}</h2>"
        f"<span>{escape(counts)}</span><span class=famid>{escape(fam.id)}</span></header>{undecided}{related}"
        f"{_members(fam, documents, fields)}{_pair_rows(ps, links, embedder)}</section>"
    )


def _header(
    documents: Mapping[str, ScanDocument],
    pairs: Sequence[ReusePair],
    families: Sequence[ReuseFamily],
    stats: Mapping[str, Any] | None,
) -> str:
    stages = (stats or {}).get("stages", {})
    read, cands = stages.get("read", {}), stages.get("candidates", {})
    relations = Counter(p.relation for p in pairs)
    by_relation = ", ".join(
        f"<span class='rel {r.value}'>{relations[r]:,}</span> {escape(RELATION_WORDS[r].partition(':')[0])}"
        for r in Relation
        if relations[r]
    )
    rows = [("Documents", f"{read.get('documents', len(documents)):,}")]
    if "skipped" in read:
        rows.append(("Skipped", f"{read['skipped']:,} unreadable (listed in documents-skipped.jsonl)"))
    if "candidates" in cands:
        rows.append(("Candidates", f"{cands['candidates']:,} pairs proposed by the indexes and compared"))
    rows.append(("Reuse pairs", f"{len(pairs):,}" + (f": {by_relation}" if by_relation else "")))
    in_families = sum(f.size for f in families)
    rows.append(("Families", f"{len(families):,} ({in_families:,} documents); the largest first"))
    if stats and "seconds_total" in stats:
        rows.append(("Scan time", f"{stats['seconds_total']:,.1f} s"))
    return "<dl class=summary>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def write_collection_report(
    out_dir: Path,
    documents: Mapping[str, ScanDocument],
    pairs: Sequence[ReusePair],
    families: Sequence[ReuseFamily],
    *,
    stats: Mapping[str, Any] | None = None,
    compare_pages: int = 200,
    embedder: str = "none",
    advance: Callable[[int], None] | None = None,
    saved_reports: Callable[[ReusePair], CompareReport | None] | None = None,
) -> Path:
    """Write ``report.html`` for a scanned collection, and compare pages for its top pairs.

    Args:
        out_dir: the scan's folder; ``report.html`` and ``compare/`` are written there.
        documents: the collection's documents by id (only family members are read).
        pairs, families: the scan's reuse pairs and families.
        stats: the scan's ``stats.json``, for the counts in the header.
        compare_pages: how many pairs get a full compare page, largest families first,
            then by score; the others show the ``copytrail compare`` command instead.
        embedder: the embedder the scan verified with (``"none"``: words only).
        advance: called with 1 after each compare page, for a progress bar.
        saved_reports: the compare report the scan saved for a pair, if any (pairs without
            one are compared again for their page).

    Returns:
        The path of ``report.html``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ranked = _rank(families, pairs, documents)
    on_page = ranked[:MAX_FAMILIES]
    # Only pairs with a row on the page, and with both texts at hand, can have a compare page.
    rowed = [p for _, ps in on_page for p in ps[:MAX_PAIRS] if p.id_a in documents and p.id_b in documents]
    chosen = rowed[: max(compare_pages, 0)]
    _write_compare_pages(
        out_dir, chosen, documents, embedder, advance or (lambda _: None), saved_reports or (lambda _: None)
    )
    links = {(p.id_a, p.id_b): n for n, p in enumerate(chosen, 1)}

    # Metadata columns no member on the page has (folder input has none) would only be empty.
    shown = [documents[m] for fam, _ in on_page for m in fam.members[:MAX_MEMBERS] if m in documents]
    fields = [f for f in ("source", "date", "url") if any(getattr(d, f) for d in shown)]
    body = "".join(_family(k, fam, ps, documents, links, embedder, fields) for k, (fam, ps) in enumerate(on_page, 1))
    if not ranked:
        body = '<p class=none id="no-families">No reuse found: no family to show.</p>'
    omitted = len(ranked) - len(on_page)
    present = Counter(p.relation for p in pairs)
    options = "".join(
        f'<option value="{r.value}">{escape(RELATION_WORDS[r].partition(":")[0])} ({present[r]:,})</option>'
        for r in Relation
        if present[r]
    )
    unlinked = len(pairs) - len(chosen)
    written = (
        f"Compare pages were written for the {len(chosen):,} most important pairs (largest families first, "
        "then by score): follow “compare ›”."
        if chosen
        else "No compare pages were written."
    )
    command = (
        f" For the {'other ' if chosen else ''}{unlinked:,}, the page shows the <code>copytrail compare</code> "
        "command to run from the folder that was scanned (ids are paths relative to it; for JSONL, CSV or "
        "Parquet input, save the two texts to files first)."
    )
    notes = [
        written + (command if unlinked else ""),
        "Coverage is the share of each side's story text that aligns with the other; the score is the "
        "comparison's confidence in the relation.",
    ]
    if omitted:
        notes.append(
            f"<strong>{omitted:,} smaller families are not on this page</strong> (it holds the first "
            f"{MAX_FAMILIES:,}); all {len(ranked):,} are in families.jsonl."
        )
    header = _header(documents, pairs, families, stats) + "".join(f"<p class=note>{n}</p>" for n in notes)
    controls = (
        "<div class=controls role=search>"
        '<input id=filter type=search placeholder="Filter by id, source, URL or first line…" '
        'aria-label="Filter families by member id, source, URL or first line">'
        '<select id=relation aria-label="Only families with pairs of this relation">'
        f'<option value="">any relation</option>{options}</select><span id=status aria-live=polite></span></div>'
    )
    footer = (
        "<p class=none id=nomatch hidden>No family on this page matches.</p>"
        f'<p><button type=button class=more id=more data-step="{SHOWN_FAMILIES}"'
        f"{'' if len(on_page) > SHOWN_FAMILIES else ' hidden'}>Show more</button></p>"
    )
    page = _page(f"copytrail scan: {len(families):,} reuse families", header, controls, body, footer)
    target = out_dir / "report.html"
    tmp = target.with_name(f".report.html.tmp-{os.getpid()}")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)  # a reader never opens a half-written page
    return target
