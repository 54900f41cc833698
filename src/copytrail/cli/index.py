"""``copytrail index add|query|delete|stats``: a growing archive to query (registered by :mod:`copytrail.cli.main`).

Thin: each command opens the archive, calls one :class:`~copytrail.archive.Archive`
method and prints the result; errors go through :mod:`copytrail.cli.handling` (one
``Error:`` line, exit status 2). The archive library is imported inside the commands,
so ``copytrail compare`` works without the ``scan`` extra.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import click

from copytrail.cli.handling import check_output_path, field_option, set_command_state

_SHOWN_SKIPS = 5
_INDEX_HELP = "The archive: one SQLite file (created by the first add; its folder must exist)."


def _index_option(fn: Any) -> Any:
    return click.option("--index", "index_path", required=True, metavar="PATH", type=click.Path(), help=_INDEX_HELP)(fn)


def _debug_option(fn: Any) -> Any:
    return click.option("--debug", is_flag=True, help="Show the full traceback when something goes wrong.")(fn)


@click.group("index")
def index_group() -> None:
    """Keep an archive of documents and ask which of them a new text reuses.

    Add documents once (incremental: a document already archived with the same id and
    content is skipped), then query single articles against everything added so far.
    A query finds the same pairs that a full `copytrail scan` of archive and query
    would, and reports each like `copytrail compare`.

    \b
    copytrail index add --index news.db feed.jsonl crawl/
    copytrail index query --index news.db suspect.html --top 5
    copytrail index delete --index news.db story-123
    copytrail index stats --index news.db
    copytrail serve --index news.db          the same over HTTP, with a web page
    """


@index_group.command("add")
@_index_option
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@field_option("--id-field", "id", "Field (column) with the document id.")
@field_option("--text-field", "text", "Field (column) with the text.")
@click.option(
    "--skipped",
    "skipped_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write the skip list (JSONL: file, line, reason, id) to FILE.",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes that fingerprint and segment documents (the archive is the same whatever the number).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_debug_option
def add_command(
    index_path: str,
    inputs: tuple[str, ...],
    id_field: str,
    text_field: str,
    skipped_path: str | None,
    workers: int,
    as_json: bool,
    debug: bool,
) -> None:
    """Add the documents of INPUTS to the archive (created when missing).

    INPUTS are what `copytrail scan` reads: folders of .txt/.html, JSONL, CSV/TSV,
    Parquet, WARC. Unreadable documents are skipped and listed, never fatal. Documents
    are committed 256 at a time, so an interrupted add keeps what it committed, and
    rerunning the same command adds only the rest.

    \b
    Examples:
      copytrail index add --index news.db ../shared/data/bbc_news/business
      copytrail index add --index news.db today.jsonl --skipped today-skipped.jsonl
    """
    set_command_state(debug=debug, rerun_hint="rerunning the same command adds what was not committed")
    from copytrail.archive import Archive
    from copytrail.archive.json import add_result_to_dict
    from copytrail.scan.config import ReaderConfig

    reader = ReaderConfig(id_field=id_field, text_field=text_field)
    if skipped_path is not None:
        check_output_path(skipped_path)  # before any document is committed
    with Archive.open(index_path) as archive:
        result = archive.add(inputs, reader, workers=workers)
    if skipped_path is not None:
        with open(skipped_path, "w", encoding="utf-8") as fh:
            for line in add_result_to_dict(result)["skipped"]:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    if as_json:
        click.echo(json.dumps(add_result_to_dict(result), indent=2))
        return
    taken, skipped = result.added + result.replaced + result.unchanged, len(result.skipped)
    click.echo(
        f"{index_path}: {taken + skipped:,} documents in = {taken:,} read + {skipped:,} skipped; "
        f"{result.added:,} added, {result.replaced:,} replaced, {result.unchanged:,} already archived "
        f"({result.documents:,} in the archive, {result.seconds:.1f} s)"
    )
    reasons = Counter(s.reason.split(":")[0] for s in result.skipped)
    if reasons:
        click.echo("  skipped by   " + ", ".join(f"{r} ({n:,})" for r, n in reasons.most_common(6)))
    for skip in result.skipped[:_SHOWN_SKIPS]:
        where = f"{skip.file}:{skip.line}" if skip.line is not None else skip.file
        click.echo(f"  skipped      {where}: {skip.reason}")
    if len(result.skipped) > _SHOWN_SKIPS and skipped_path is None:
        click.echo(f"  ...          {len(result.skipped) - _SHOWN_SKIPS:,} more; --skipped FILE lists them all")


@index_group.command("query")
@_index_option
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="At most this many matches per file."
)
@click.option(
    "--rewrite-check",
    is_flag=True,
    help="Compare again with sentence embeddings (minilm) the candidates that words alone reject but rare word "
    "pairs propose: paraphrased and machine-translated rewrites. Slower.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: per file its matches, each with the full compare report (compare-report.v1 schema).",
)
@_debug_option
def query_command(
    index_path: str, files: tuple[str, ...], top: int, rewrite_check: bool, as_json: bool, debug: bool
) -> None:
    """Find the archived documents that reuse each FILE's text, or whose text it reuses.

    FILE is plain text or HTML (its article text is extracted), - for standard input.
    Each match names the archived document, the relation (duplicate, near_duplicate,
    rewrite, partial_reuse), the coverage of both sides and the aligned passages;
    --json adds the full compare report (what changed, likely original).

    \b
    Examples:
      copytrail index query --index news.db suspect.html
      copytrail index query --index news.db a.txt b.txt --top 3 --json > matches.json
    """
    set_command_state(debug=debug)
    from copytrail.archive import Archive
    from copytrail.archive.json import query_result_to_dict
    from copytrail.ingest import load_text
    from copytrail.scan.records import ScanDocument

    queries = []
    for name in files:
        loaded = load_text(name)
        meta = loaded.meta
        queries.append(ScanDocument(name, loaded.text, date=meta.date, source=meta.sitename, url=meta.url))
    with Archive.open(index_path, create=False) as archive:
        results = [archive.query(q, top=top, rewrite_check=rewrite_check) for q in queries]
    if as_json:
        click.echo(json.dumps({"queries": [query_result_to_dict(r) for r in results]}, indent=2, ensure_ascii=False))
        return
    for line in query_lines(results):
        click.echo(line)


def query_lines(results: Any) -> list[str]:
    """Per query document: how many archived documents match, then one line per match."""
    lines = []
    for result in results:
        plural = "s" if len(result.matches) != 1 else ""
        lines.append(
            f"{result.query_id}: {len(result.matches)} matching archived document{plural} "
            f"({result.candidates} candidates compared, {result.seconds:.2f} s)"
        )
        for m in result.matches:
            cover = m.report.coverage
            lines.append(
                f"  {m.relation.value:<15} {m.id}  score {m.score:.2f}, coverage {cover.a:.0%} of the query, "
                f"{cover.b:.0%} of it, {len(m.report.passages)} passages"
            )
    return lines


@index_group.command("delete")
@_index_option
@click.argument("ids", nargs=-1, required=True)
@_debug_option
def delete_command(index_path: str, ids: tuple[str, ...], debug: bool) -> None:
    """Remove the documents with these IDS from the archive.

    Every id must be archived; if one is not, nothing is deleted (the error names it).

    \b
    Example:
      copytrail index delete --index news.db business/003.txt business/077.txt
    """
    set_command_state(debug=debug)
    from copytrail.archive import Archive
    from copytrail.errors import UnknownDocument

    with Archive.open(index_path, create=False) as archive:
        known = archive.store.known(ids)
        missing = [i for i in ids if i not in known]
        if missing:
            raise UnknownDocument(
                index_path,
                f"holds no document {', '.join(map(repr, missing))}; nothing was deleted "
                "(ids are as `index add` reported them: paths relative to the folder, or the id field)",
            )
        deleted = archive.delete(ids)
        count = archive.stats().documents
    click.echo(f"{index_path}: deleted {len(deleted)} documents ({count:,} left)")


@index_group.command("stats")
@_index_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_debug_option
def stats_command(index_path: str, as_json: bool, debug: bool) -> None:
    """Show how many documents the archive holds, its size on disk and its indexes."""
    set_command_state(debug=debug)
    from copytrail.archive import Archive
    from copytrail.archive.json import stats_to_dict

    with Archive.open(index_path, create=False) as archive:
        stats = archive.stats()
    if as_json:
        click.echo(json.dumps(stats_to_dict(stats), indent=2))
        return
    per_doc = stats.bytes_on_disk / stats.documents if stats.documents else 0
    click.echo(f"{stats.path}")
    click.echo(f"  documents        {stats.documents:,} ({stats.indexed:,} indexed; the rest are exact copies)")
    click.echo(f"  text             {stats.characters:,} characters")
    click.echo(f"  on disk          {stats.bytes_on_disk / 1e6:,.1f} MB ({per_doc / 1e3:,.1f} kB a document)")
    click.echo(f"  index entries    {stats.postings:,}")
    click.echo(
        f"  chrome learned   {stats.common_sentences:,} sentences"
        + (f" ({stats.common_stale:,} documents changed since; the next add relearns)" if stats.common_stale else "")
    )
