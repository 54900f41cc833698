"""The compare report for a person at a terminal, drawn with rich.

Layout: a summary (relation, coverage, what was left out as page chrome), then every
aligned passage side by side with the words that differ marked, then what each side has
that the other lacks.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from copytrail.records import ChangeKind, CompareReport, Document, Original, PassageLabel, Role, Span
from copytrail.report.words import CHANGE_TITLES, RELATION_WORDS, language_line, word_diff

LABEL_STYLES = {
    PassageLabel.VERBATIM: "green",
    PassageLabel.EDITED: "yellow",
    PassageLabel.PARAPHRASED: "magenta",
}


def marked_pair(a: str, b: str) -> tuple[Text, Text]:
    """Both texts with the words that differ styled: removed in A red, added in B green."""
    out_a, out_b = Text(a), Text(b)
    # rich drops some control characters (\r, \f, \v, bell, backspace): offsets go into what it keeps.
    a, b = out_a.plain, out_b.plain
    ranges_a, ranges_b = word_diff(a, b)
    for start, end in ranges_a:
        out_a.stylize("bold red", start, end)
    for start, end in ranges_b:
        out_b.stylize("bold green", start, end)
    return out_a, out_b


def _excerpt(doc: Document, span: Span, limit: int = 240) -> str:
    text = " ".join(doc.text[span.start : span.end].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _boilerplate_summary(doc: Document) -> str:
    reasons = Counter(s.reason or "other" for s in doc.segments if s.role is Role.BOILERPLATE)
    if not reasons:
        return "none"
    return ", ".join(f"{reason} {count}" for reason, count in reasons.most_common())


def render(report: CompareReport, console: Console, *, max_passages: int | None = None) -> None:
    """Print the report; ``max_passages`` limits how many passages are shown in full."""
    a, b = report.a, report.b
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row("A", a.name)
    summary.add_row("B", b.name)
    summary.add_row("relation", f"[bold]{RELATION_WORDS[report.relation]}[/] (score {report.relation_score:.2f})")
    languages = language_line(report)
    if languages is not None:
        summary.add_row("languages", Text(languages, style="" if report.languages.covered else "bold yellow"))
    summary.add_row(
        "coverage",
        f"{report.coverage.a:.0%} of A's story text aligns with B; {report.coverage.b:.0%} of B's with A",
    )
    labels = Counter(p.label for p in report.passages)
    summary.add_row(
        "passages",
        f"{len(report.passages)} aligned ("
        + ", ".join(f"[{LABEL_STYLES[k]}]{labels[k]} {k.value}[/]" for k in PassageLabel)
        + ")",
    )
    summary.add_row("page chrome", f"A: {_boilerplate_summary(a)}\nB: {_boilerplate_summary(b)}")
    if report.shared_boilerplate:
        n = len(report.shared_boilerplate)
        summary.add_row("shared chrome", f"{n} sentence{'s' if n != 1 else ''} both carry word for word; not evidence")
    if report.explanation is not None:
        summary.add_row("likely original", _provenance_line(report))
    summary.add_row("embedder", report.embedder)
    console.print(Panel(summary, title="copytrail compare", expand=False))
    if report.explanation is not None:
        _render_changes(report, console)

    shown = report.passages if max_passages is None else report.passages[:max_passages]
    translated = report.languages is not None and report.languages.translated
    for number, passage in enumerate(shown, 1):
        table = Table(show_header=True, expand=True, box=None, padding=(0, 1))
        table.add_column(f"A {passage.a_span.start}-{passage.a_span.end}", ratio=1)
        table.add_column(f"B {passage.b_span.start}-{passage.b_span.end}", ratio=1)
        for pair in passage.pairs:
            if translated:  # every word of a translation differs: marking them all says nothing
                left, right = Text(a.segments[pair.a].text), Text(b.segments[pair.b].text)
            else:
                left, right = marked_pair(a.segments[pair.a].text, b.segments[pair.b].text)
            table.add_row(left, right)
        style = LABEL_STYLES[passage.label]
        console.print(
            Panel(
                table,
                title=f"passage {number}: [{style}]{passage.label.value}[/] (similarity {passage.similarity:.2f})",
                title_align="left",
                border_style=style,
            )
        )
    if max_passages is not None and len(report.passages) > max_passages:
        console.print(f"… {len(report.passages) - max_passages} more passages (use --all or --json)")

    explanation = report.explanation
    for side, doc, spans in (("A", a, report.unaligned_a), ("B", b, report.unaligned_b)):
        if not spans:
            continue
        if explanation is not None:
            gists = explanation.only_in_a if side == "A" else explanation.only_in_b
            lines = Group(*(Text(f"• {g.gist}" + ("  [caption]" if g.caption else "")) for g in gists))
        else:
            lines = Group(*(Text(f"• {_excerpt(doc, span)}") for span in spans))
        console.print(Panel(lines, title=f"only in {side} ({len(spans)})", title_align="left", border_style="blue"))


def _provenance_line(report: CompareReport) -> str:
    provenance = report.explanation.provenance
    if provenance.original is Original.UNDECIDED:
        verdict = "[bold]undecided[/]: the evidence is thin"
    else:
        name = report.a.name if provenance.original is Original.A else report.b.name
        verdict = f"[bold]{provenance.original.value.upper()}[/] ({name}), confidence {provenance.confidence:.2f}"
    lines = [verdict]
    for evidence in provenance.evidence:
        favour = "" if evidence.favours is Original.UNDECIDED else f" → {evidence.favours.value.upper()}"
        lines.append(f"  {evidence.kind}{favour}: {evidence.detail}")
    return "\n".join(lines)


def _render_changes(report: CompareReport, console: Console) -> None:
    changes = report.explanation.changes
    table = Table(show_header=True, expand=True, box=None, padding=(0, 1))
    table.add_column("change", style="bold", no_wrap=True)
    table.add_column("A", ratio=1)
    table.add_column("B", ratio=1)
    shown = 0
    for change in changes:
        if change.kind is ChangeKind.WORDING:
            continue
        title = CHANGE_TITLES[change.kind] + (f"\n({change.speaker})" if change.speaker else "")
        if change.kind is ChangeKind.ALTERED_QUOTE and change.a_text and change.b_text:
            left, right = marked_pair(change.a_text, change.b_text)
        else:
            left, right = Text(change.a_text or "—", style="red"), Text(change.b_text or "—", style="green")
        table.add_row(title, left, right)
        shown += 1
    wording = sum(1 for c in changes if c.kind is ChangeKind.WORDING)
    caption = f"{wording} more aligned sentences are reworded with the same facts (skip them)"
    body = Group(table, Text(caption, style="dim")) if shown else Text(caption, style="dim")
    console.print(Panel(body, title=f"what changed ({shown})", title_align="left", border_style="red"))
