"""The ``copytrail`` command: a thin layer over the library.

Exit status: 0 when the command ran (whatever it found), 2 for bad input or usage
(a one-line ``Error: …`` on stderr, no traceback unless ``--debug``), 130 when
interrupted, 141 when standard output was closed early, 143 on SIGTERM, 1 for a bug
(see :mod:`copytrail.cli.handling`, the one handler every command goes through).
"""

from __future__ import annotations

import math
import os
import re
import sys

try:
    import click
    from rich.console import Console
except ImportError:  # pragma: no cover - exercised only without the cli extra

    def entry_point() -> None:
        from copytrail.errors import install_hint

        sys.stderr.write(f"copytrail's command line needs its extra: {install_hint('cli')}\n")
        sys.exit(2)
else:
    from copytrail import __version__
    from copytrail.cli.handling import (
        check_output_path,
        end_process,
        end_quickly_on_success,
        run_handled,
        set_command_state,
    )
    from copytrail.compare import CompareConfig, compare
    from copytrail.embed import DEVICES, EMBEDDERS
    from copytrail.errors import OutputError

    _COMPARE = CompareConfig()  # the command's defaults are the library's
    _SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)

    class ByteSize(click.ParamType):
        """Sizes like 20MB, 512k or 1.5G (binary multiples)."""

        name = "size"

        def convert(self, value, param, ctx):  # noqa: ANN001, ANN201
            if isinstance(value, int):
                return value
            match = _SIZE.match(str(value))
            if not match:
                self.fail(f"{value!r} is not a size; write it like 20MB, 512k or 1.5G", param, ctx)
            number, unit = float(match.group(1)), match.group(2).lower()
            size = number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
            if not math.isfinite(size):
                self.fail(f"{value!r} is too large a size; write it like 20MB, 512k or 1.5G", param, ctx)
            if size < 1:
                self.fail(f"{value!r} is under one byte, so no input could be read; give at least 1", param, ctx)
            return int(size)

    class EmbedderName(click.ParamType):
        """An embedder's name, none, or the folder of a sentence-transformers model (LaBSE, multilingual-e5)."""

        name = "embedder"

        def convert(self, value, param, ctx):  # noqa: ANN001, ANN201
            if value in (*EMBEDDERS, "none") or os.path.isdir(os.path.expanduser(str(value).removeprefix("local:"))):
                return value
            self.fail(f"{value!r} is neither one of {', '.join([*EMBEDDERS, 'none'])} nor a model folder", param, ctx)

    def _background_files(folder: str) -> list[str]:
        """The .txt/.html files of a background folder, sorted; a folder without any is a usage error."""
        from pathlib import Path

        files = sorted(
            str(p) for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".htm", ".html")
        )
        if not files:
            raise click.BadParameter(f"{folder} holds no .txt or .html files", param_hint="--background")
        return files

    class ReportConsole(Console):
        """rich's Console, except that a closed pipe goes to the one handler (rich would exit 1, a bug's code)."""

        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(32, "Broken pipe")

    # Subcommands whose modules are imported only when they run (or when --help lists them):
    # scan, dedup and index pull in pyarrow's dataset layer and serve pulls in FastAPI, about
    # 0.2 s of every ``copytrail compare`` that needs none of them.
    _LAZY_COMMANDS = {
        "scan": "copytrail.scan.cli:scan_command",
        "dedup": "copytrail.scan.cli:dedup_command",
        "index": "copytrail.cli.index:index_group",
        "serve": "copytrail.cli.serve:serve_command",
    }

    class CopytrailGroup(click.Group):
        """Runs every subcommand through the one handler of :mod:`copytrail.cli.handling`.

        The subcommands in ``_LAZY_COMMANDS`` are imported on first use (click's lazy-group pattern).
        """

        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            if cmd_name in _LAZY_COMMANDS and cmd_name not in self.commands:
                import importlib

                module, attribute = _LAZY_COMMANDS[cmd_name].split(":")
                self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
            return super().get_command(ctx, cmd_name)

        def invoke(self, ctx: click.Context):  # noqa: ANN201
            return run_handled(ctx, lambda: super(CopytrailGroup, self).invoke(ctx))

    @click.group(cls=CopytrailGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="copytrail")
    def main() -> None:
        """Find, align and explain text reuse between news documents.

        \b
        copytrail compare A B           how two documents reuse each other's text
        copytrail scan INPUT --out DIR  every reuse pair and family in a collection
        copytrail dedup INPUT --out F   the collection with one document per family
        copytrail index add|query ...   a growing archive to query for reuse
        copytrail serve --index PATH    the archive and compare over HTTP, with a web page
        """

    @main.command("compare")
    @click.argument("a", metavar="A", type=click.Path(dir_okay=True, allow_dash=True))
    @click.argument("b", metavar="B", type=click.Path(dir_okay=True, allow_dash=True))
    @click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print the report as JSON (schema: copytrail/schemas/compare-report.v1.schema.json).",
    )
    @click.option("--no-text", is_flag=True, help="With --json, leave the two documents' full texts out of the report.")
    @click.option(
        "--embedder",
        type=EmbedderName(),
        default=_COMPARE.embedder,
        show_default=True,
        help="Sentence embedder for paraphrases: minilm (English), use-multilingual (translations, slower), "
        "hashing, none (words only, no model), or the folder of your own sentence-transformers model (LaBSE, "
        "multilingual-e5) for languages the others do not cover. A pair in two languages switches to an "
        "installed embedder that covers both.",
    )
    @click.option(
        "--device",
        type=click.Choice(DEVICES),
        default=_COMPARE.device,
        show_default=True,
        help="Where the embedder runs: cpu, cuda (a GPU; needs onnxruntime-gpu, or torch with CUDA for a model "
        "folder; without one it runs on the CPU and says so), or auto (cuda when usable, else quietly the CPU). "
        "use-multilingual always runs on the CPU.",
    )
    @click.option(
        "--max-size",
        type=ByteSize(),
        default=_COMPARE.max_bytes,
        show_default=f"{_COMPARE.max_bytes // 1024**2}MB",
        help="Refuse inputs larger than this.",
    )
    @click.option("--all", "show_all", is_flag=True, help="Show every aligned passage (default: the first 30).")
    @click.option(
        "--html",
        "html_path",
        metavar="FILE",
        type=click.Path(dir_okay=False),
        help="Write a self-contained HTML report (both texts side by side, changes listed) to FILE.",
    )
    @click.option(
        "--background",
        "background_dir",
        metavar="DIR",
        type=click.Path(exists=True, file_okay=False, dir_okay=True),
        help="A folder of other pages from the same sites (.txt/.html; a dozen is plenty). Sentences many of "
        "them repeat are page chrome or stock text, and never count as reuse.",
    )
    @click.option("--debug", is_flag=True, help="Show the full traceback when something goes wrong.")
    def compare_command(
        a: str,
        b: str,
        as_json: bool,
        no_text: bool,
        embedder: str,
        device: str,
        max_size: int,
        show_all: bool,
        html_path: str | None,
        background_dir: str | None,
        debug: bool,
    ) -> None:
        """Compare two documents A and B and show what one reuses from the other.

        A and B are plain-text or HTML files (HTML is detected and its article text
        extracted), in any common encoding; use - for one of them to read standard input.

        The report names the relation (duplicate, near_duplicate, rewrite,
        partial_reuse, same_story, unrelated), the share of each side's story text that
        aligns, every aligned passage with the words that differ marked, and what each
        side has that the other lacks. Page chrome (menus, credits, bios, copyright
        lines) is recognised and left out.

        \b
        Examples:
          copytrail compare original.txt copy.html
          copytrail compare a.txt b.txt --json > report.json
          copytrail compare a.html b.html --background other-pages/
          curl -s https://example.org/story | copytrail compare mine.txt -
        """
        set_command_state(debug=debug)
        if a == "-" and b == "-":
            raise click.UsageError("only one of A and B can be - (standard input)")
        # Checked before comparing: a bad --html path must fail at once, not after the work.
        if html_path is not None:
            check_output_path(html_path)
            if os.path.exists(html_path) and any(
                x != "-" and os.path.exists(x) and os.path.samefile(x, html_path) for x in (a, b)
            ):
                raise OutputError(html_path, "is one of the texts being compared; write the report elsewhere")
        err = Console(stderr=True)
        config = CompareConfig(embedder=embedder, max_bytes=max_size, device=device)
        background = _background_files(background_dir) if background_dir else None
        if embedder != "none" and sys.stderr.isatty():
            with err.status("Comparing (the first run prepares the model, which takes a few seconds)…"):
                report = compare(a, b, config=config, background=background)
        else:
            report = compare(a, b, config=config, background=background)
        if html_path is not None:
            # Written before the report is printed, so a bad path fails with one line and no report above it.
            from copytrail.report.html import render_html

            try:
                with open(html_path, "w", encoding="utf-8") as handle:
                    handle.write(render_html(report))
            except OSError as exc:
                raise OutputError(html_path, f"cannot write the HTML report ({exc.strerror or exc})") from None
        if as_json:
            from copytrail.report.json import report_to_json

            click.echo(report_to_json(report, include_text=not no_text))
        else:
            from copytrail.report.terminal import render

            render(report, ReportConsole(), max_passages=None if show_all else 30)
        end_quickly_on_success()

    def entry_point() -> None:
        try:
            main()
        except SystemExit as done:
            end_process(done)


if __name__ == "__main__":  # spark-submit runs a file: spark-submit .../copytrail/cli/main.py scan ...
    entry_point()
