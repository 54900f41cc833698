"""The ``copytrail scan`` and ``copytrail dedup`` commands (registered by :mod:`copytrail.cli.main`).

Thin: options fill a :class:`ScanConfig` (their defaults and choices come from the config
dataclasses), the library does the work, and :mod:`copytrail.cli.handling` turns a
:class:`~copytrail.errors.CopytrailError` into a one-line ``Error:`` and exit status 2,
Ctrl-C into 130 with the rerun hint. The scan library is imported inside the commands,
so ``copytrail compare`` works without the ``scan`` extra.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from copytrail.cli.handling import field_option, nonempty_path, set_command_state
from copytrail.cores import check_workers
from copytrail.embed.device import DEVICES
from copytrail.errors import install_hint
from copytrail.normalize.common import CommonTextConfig
from copytrail.scan.config import (
    EMBEDDER_CHOICES,
    ENGINES,
    KEEP_RULES,
    FingerprintConfig,
    ReaderConfig,
    ScanConfig,
    VerifyConfig,
)

_TOP_FAMILIES = 5
_SHOWN_SKIPS = 5
_SHOWN_REASONS = 6
_READER = ReaderConfig()
_VERIFY = VerifyConfig()
_SCAN = ScanConfig()
_COMMON = CommonTextConfig()
_FINGERPRINT = FingerprintConfig()


class Workers(click.ParamType):
    """A number of processes (1 or more), or auto."""

    name = "N|auto"

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201
        text = str(value).strip().lower()
        try:
            return check_workers(int(text) if text.isdigit() else text)
        except ValueError:
            self.fail(f"{value!r} is neither a number of processes (1 or more) nor auto", param, ctx)


def _collection_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by scan and dedup: record fields, workers, embedder."""
    options = [
        click.option(
            "--workers",
            "-j",
            type=Workers(),
            default=_SCAN.workers,
            show_default=True,
            help="Processes that fingerprint documents and compare candidate pairs, with --engine local. "
            "auto: one per core for a stage with enough work to pay for starting them (400 candidate pairs, "
            "32 MB of documents), else this process. Results do not depend on it.",
        ),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default=_SCAN.engine,
            show_default=True,
            help="Where the work runs: local (this machine, --workers processes) or spark (a Spark cluster, or "
            "Spark in local mode; needs copytrail[spark] and Java 17+). Both find the same pairs. Spark reads "
            "JSONL and Parquet inputs itself, also as folders, glob patterns and URIs (hdfs://, s3a://, file://).",
        ),
        click.option(
            "--spark-master",
            default=_SCAN.spark_master,
            metavar="URL",
            help="Spark master for --engine spark: local[*] (every core here), spark://host:7077, yarn, k8s://... "
            "(default: spark-submit's --master, else local[*]). --out must be a folder the driver and the "
            "executors share.",
        ),
        click.option(
            "--embedder",
            type=click.Choice(EMBEDDER_CHOICES),
            default=_VERIFY.embedder,
            show_default=True,
            help="none compares words only (fast); minilm also finds paraphrased sentences.",
        ),
        click.option(
            "--second-look",
            type=click.Choice(EMBEDDER_CHOICES),
            default=_VERIFY.second_look,
            show_default=True,
            help="Compare again with this embedder the rewrite candidates that words alone rejected "
            "(finds more translated and reworded copies; slow on CPU).",
        ),
        click.option(
            "--compare-all",
            is_flag=True,
            help="Compare every candidate with the pair engine. By default a candidate that only page chrome or "
            "stock text made, or whose shared rare word pairs lie scattered over two English texts, is called "
            "unrelated without it (counted in stats.json as common_only and scattered_rare); this checks them.",
        ),
        click.option(
            "--device",
            type=click.Choice(DEVICES),
            default=_VERIFY.device,
            show_default=True,
            help="Where --embedder and --second-look run: cpu, cuda (a GPU; needs onnxruntime-gpu; without one "
            "they run on the CPU and say so) or auto (cuda when usable). use-multilingual always runs on the CPU.",
        ),
        click.option(
            "--translations",
            type=click.Choice(EMBEDDER_CHOICES),
            default=_FINGERPRINT.translation_embedder,
            show_default=True,
            help="Also look for translated copies: every document's opening is embedded with this multilingual "
            "embedder (use-multilingual) and its nearest neighbours in other languages are compared with it. "
            "One embedding per document; from 20,000 documents on the neighbours come from a faiss index "
            f"({install_hint('multilingual')}).",
        ),
        click.option(
            "--chrome-min-docs",
            type=click.IntRange(min=2),
            default=_COMMON.min_documents,
            show_default=True,
            help="A sentence this many documents carry, each around a story of its own, is page chrome or stock "
            "text and never counts as reuse (three pages of one source are enough where source or url is known).",
        ),
        field_option("--id-field", _READER.id_field, "JSONL/CSV/Parquet field with the id."),
        field_option("--text-field", _READER.text_field, "Field with the text."),
        click.option("--date-field", default=_READER.date_field, show_default=True, help="Field with the date (ISO)."),
        click.option(
            "--source-field", default=_READER.source_field, show_default=True, help="Field with the publisher."
        ),
        click.option("--url-field", default=_READER.url_field, show_default=True, help="Field with the URL."),
        click.option("--force", is_flag=True, help="Recompute every stage, even finished ones."),
        click.option(
            "--progress/--no-progress",
            default=None,
            help="Progress bars on stderr (default: when stderr is a terminal).",
        ),
        click.option("--debug", is_flag=True, help="Show the full traceback when something goes wrong."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _config(opts: dict[str, Any]) -> ScanConfig:
    reader = ReaderConfig(
        id_field=opts["id_field"],
        text_field=opts["text_field"],
        date_field=opts["date_field"],
        source_field=opts["source_field"],
        url_field=opts["url_field"],
    )
    return ScanConfig(
        reader=reader,
        fingerprint=FingerprintConfig(translation_embedder=opts["translations"]),
        verify=VerifyConfig(
            embedder=opts["embedder"],
            second_look=opts["second_look"],
            translation_embedder=opts["translations"],
            device=opts["device"],
            compare_all=opts["compare_all"],
        ),
        common_text=CommonTextConfig(min_documents=opts["chrome_min_docs"]),
        workers=opts["workers"],
        engine=opts["engine"],
        spark_master=opts["spark_master"],
        progress=opts["progress"],
        force=opts["force"],
    )


def accounting_lines(result: Any, skipped_file: Path | None) -> list[str]:
    """Documents in = read + skipped, the skips by reason, and where the skip list is."""
    read = result.stats.get("stages", {}).get("read", {})
    skipped = len(result.skipped)
    taken_in = read.get("documents_in", result.documents + skipped)
    lines = [f"  documents    {taken_in:,} in = {result.documents:,} read + {skipped:,} skipped"]
    reasons = read.get("skipped_by_reason") or {}
    if skipped and reasons:
        shown = list(reasons.items())[:_SHOWN_REASONS]
        more = f", {len(reasons) - len(shown)} more kinds" if len(reasons) > len(shown) else ""
        lines.append("  skipped by   " + ", ".join(f"{kind} ({n:,})" for kind, n in shown) + more)
    if skipped and skipped_file is not None:
        lines.append(f"  skip list    {skipped_file}")
    unaccounted = read.get("unaccounted")
    if unaccounted:
        lines.append(
            f"  warning      {unaccounted:,} documents were taken in but neither read nor skipped: "
            "a bug in copytrail; please report it"
        )
    for path in read.get("empty_inputs") or []:
        lines.append(f"  warning      {path} gave no document: check it is the input you meant")
    ignored = read.get("ignored_files") or {}
    if ignored:
        what = ", ".join(f"{n:,} {suffix}" for suffix, n in ignored.items())
        lines.append(f"  not read     files with other endings in the folders: {what}")
    return lines


def summary_lines(result: Any) -> list[str]:
    """A few lines on what a scan found, for the terminal."""
    stats = result.stats.get("stages", {})
    cand = stats.get("candidates", {})
    lines = [
        f"Scanned {result.documents:,} documents ({len(result.skipped):,} skipped) "
        f"in {result.stats.get('seconds_total', 0):.1f} s -> {result.out_dir}",
        f"  candidates   {result.candidates:,} (minhash {cand.get('candidates_minhash', 0):,}, "
        f"rare 5-grams {cand.get('candidates_rare_ngrams', 0):,}, "
        f"rare word pairs {cand.get('candidates_rare_word_pairs', 0):,}"
        + (f", translations {cand['candidates_translation']:,}" if cand.get("candidates_translation") else "")
        + ")",
    ]
    counts = result.relation_counts()
    shown = ", ".join(f"{k} {v:,}" for k, v in counts.items()) or "none"
    lines.append(f"  reuse pairs  {len(result.pairs):,}: {shown}")
    in_families = sum(f.size for f in result.families)
    lines.append(f"  families     {len(result.families):,} ({in_families:,} documents)")
    for fam in result.families[:_TOP_FAMILIES]:
        others = [m for m in fam.members if m != fam.original]
        more = f", +{len(others) - 3} more" if len(others) > 3 else ""
        if fam.original is None:
            lines.append(f"    {fam.size:>4}  {fam.id}  original undecided: {', '.join(others[:3])}{more}")
        else:
            lines.append(f"    {fam.size:>4}  {fam.id}  original {fam.original}  <- {', '.join(others[:3])}{more}")
    if (result.out_dir / "report.html").exists():
        lines.append(f"  report       {result.out_dir / 'report.html'}")
    resumed = [name for name, s in stats.items() if s.get("resumed")]
    if resumed:
        lines.append(f"  resumed      {', '.join(resumed)} (finished in an earlier run)")
    lines += accounting_lines(result, result.out_dir / "documents-skipped.jsonl")
    for skip in result.skipped[:_SHOWN_SKIPS]:
        where = f"{skip.file}:{skip.line}" if skip.line is not None else skip.file
        lines.append(f"  skipped      {where}: {skip.reason}")
    if len(result.skipped) > _SHOWN_SKIPS:
        lines.append(f"  ...          {len(result.skipped) - _SHOWN_SKIPS:,} more in documents-skipped.jsonl")
    return lines


@click.command("scan", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--out",
    "-o",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    callback=nonempty_path,
    help="Folder for the artifacts; a rerun resumes from the stages finished there.",
)
@click.option(
    "--report/--no-report",
    default=_SCAN.report,
    show_default=True,
    help="Write report.html: families ranked by size, each pair linked to its compare page.",
)
@click.option(
    "--compare-pages",
    type=click.IntRange(min=0),
    default=_SCAN.compare_pages,
    show_default=True,
    help="Pairs (largest families first) that get a full compare page in compare/.",
)
@click.option(
    "--explain-all",
    is_flag=True,
    help="Find what changed (quotes, numbers, dates, names) in every reuse pair, so that each report in "
    "pair-reports.parquet carries it. By default only the pairs with a compare page are explained in full; "
    "every pair's likely original is named either way.",
)
@click.option(
    "--against",
    "against",
    metavar="ARCHIVE",
    type=click.Path(dir_okay=False),
    help="Incremental: check each input document against this archive (copytrail index) and the inputs before "
    "it, instead of scanning the inputs among themselves; writes matches.jsonl to --out.",
)
@click.option(
    "--add/--no-add",
    "add_to_archive",
    default=False,
    show_default=True,
    help="With --against: then add the input documents to the archive.",
)
@_collection_options
def scan_command(
    inputs: tuple[str, ...],
    out_dir: str,
    report: bool,
    compare_pages: int,
    explain_all: bool,
    against: str | None,
    add_to_archive: bool,
    debug: bool,
    **opts: Any,
) -> None:
    """Find every pair of documents in a collection where one reuses the other.

    INPUT is a folder (its .txt, .htm and .html files, recursively; ids are relative
    paths), a JSONL, CSV/TSV or Parquet file with fields id, text and optionally
    date, source, url (rename them with --id-field and friends), or a web archive
    (.warc, .warc.gz): its HTML and plain-text pages (status 200) are the documents,
    named by URL and dated by crawl date; other records are passed over. Unreadable
    documents are listed in documents-skipped.jsonl, not fatal. A quoted glob
    pattern ('crawl/*.jsonl') reads the files it matches, in sorted order. With
    --engine spark, Spark reads JSONL and Parquet inputs itself, also folders of
    them, glob patterns and URIs (hdfs://, s3a://, file://).

    Candidates come from MinHash LSH over word 5-gram shingles (near copies), from
    rare word 5-grams (passages lifted into longer articles) and from rare word pairs
    (rewrites and translations keep names and rare phrases); only candidates get the
    full comparison. Sentences that many documents carry, each around a story
    of its own (site chrome, stock background lines), are learned from the
    collection and never count as reuse (--chrome-min-docs). Families are joined
    by copies, rewrites and substantial shared passages only; a family's likely
    original is named only where the comparisons or dates say so.

    Writes to --out: documents.jsonl, documents-skipped.jsonl, fingerprints/,
    candidates.jsonl, sentence-keys/, common-text.npz, pairs.jsonl,
    pair-reports.parquet, families.jsonl (and .parquet), stats.json, and
    report.html to open in a browser. A run stopped part way resumes from the
    stages it finished (and, locally, from the finished shards of fingerprints/).
    The record formats are JSON Schemas in copytrail/schemas/scan-*.v2.schema.json.

    With --against ARCHIVE, each document is instead checked against an archive made
    by `copytrail index add` and against the inputs before it (the same pairs a scan
    of archive and inputs would find), and matches.jsonl is written to --out.

    \b
    Examples:
      copytrail scan articles/ --out scan-out
      copytrail scan feed.jsonl --out scan-out --workers 4
      copytrail scan dump.csv --out scan-out --id-field guid --text-field body
      copytrail scan crawl.warc.gz --out scan-out
      copytrail scan feed.jsonl --out scan-out --engine spark --spark-master 'local[*]'
      copytrail scan 'hdfs:///crawl/part-*.parquet' --out /shared/scan-out --engine spark --spark-master yarn
      copytrail scan today.jsonl --out today-out --against news.db --add
    """
    if against is not None:
        set_command_state(debug=debug)
        from copytrail.archive import scan_against
        from copytrail.cli.index import query_lines

        if opts["engine"] != "local":
            raise click.UsageError("--against runs on this machine: leave out --engine")
        checked = scan_against(inputs, out_dir, against, reader=_config(opts).reader, add=add_to_archive)
        for line in query_lines(checked.results):
            click.echo(line)
        click.echo(checked.summary())
        return
    if add_to_archive:
        raise click.UsageError("--add needs --against ARCHIVE")
    set_command_state(debug=debug, rerun_hint=f"rerun the same command to resume from the stages finished in {out_dir}")
    from copytrail.scan.run import scan

    config = _config(opts)
    config = dataclasses.replace(
        config,
        report=report,
        compare_pages=compare_pages,
        verify=dataclasses.replace(config.verify, explain_all=explain_all),
    )
    result = scan(inputs, out_dir, config=config)
    for line in summary_lines(result):
        click.echo(line)


@click.command("dedup", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--out",
    "-o",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="JSONL file to write: one document per cluster of copies, plus every other document.",
)
@click.option(
    "--keep",
    type=click.Choice(KEEP_RULES),
    default=KEEP_RULES[0],
    show_default=True,
    help="Which member represents a cluster of copies.",
)
@click.option(
    "--work",
    "work_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep the scan's artifacts here (and resume from them); default: a temporary folder.",
)
@_collection_options
def dedup_command(
    inputs: tuple[str, ...], out_file: str, keep: str, work_dir: str | None, debug: bool, **opts: Any
) -> None:
    """Write a collection without its copies: one document per cluster of copies.

    Runs a scan (see copytrail scan --help for INPUT formats), then clusters the
    documents that are duplicates or near duplicates of each other, and writes every
    document in no cluster and one representative of each cluster, in input order,
    with cluster_id and cluster_size fields. Partial reuse and rewrites do not make
    a document a copy: an article quoting another stays.

    \b
    Examples:
      copytrail dedup articles/ --out unique.jsonl
      copytrail dedup feed.jsonl --out unique.jsonl --keep earliest --work scan-out
    """
    hint = (
        f"rerun the same command to resume from the stages finished in {work_dir}"
        if work_dir is not None
        else "rerun the same command to start again (with --work DIR, a rerun resumes)"
    )
    set_command_state(debug=debug, rerun_hint=hint)
    from copytrail.scan.dedup import dedup

    result = dedup(inputs, out_file, keep=keep, work_dir=work_dir, config=_config(opts))  # type: ignore[arg-type]
    click.echo(
        f"Kept {result.kept:,} of {result.kept + result.dropped:,} documents "
        f"({result.dropped:,} copies dropped from {result.clusters:,} clusters of copies) -> {result.out_file}"
    )
    for line in accounting_lines(result.scan, result.skipped_file):
        click.echo(line)
