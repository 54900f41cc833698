"""``copytrail serve``: the archive and the compare engine over HTTP (registered by :mod:`copytrail.cli.main`)."""

from __future__ import annotations

import click

from copytrail.cli.handling import set_command_state
from copytrail.embed.device import DEVICES

_EMBEDDERS = ("none", "minilm", "hashing", "use-multilingual", "minilm-torch")


@click.command("serve")
@click.option(
    "--index",
    "index_path",
    required=True,
    metavar="PATH",
    type=click.Path(),
    help="The archive to serve (created when missing).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--token-file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="File whose first line is the bearer token (default: the COPYTRAIL_TOKEN environment variable).",
)
@click.option(
    "--embedder",
    type=click.Choice(_EMBEDDERS),
    default="minilm",
    show_default=True,
    help="Embedder of /v1/compare: minilm also aligns paraphrases; none compares words only (fastest).",
)
@click.option(
    "--device",
    type=click.Choice(DEVICES),
    default="cpu",
    show_default=True,
    help="Where the embedder runs: cpu, cuda (a GPU; needs onnxruntime-gpu; without one it runs on the CPU and "
    "says so) or auto (cuda when usable).",
)
@click.option(
    "--max-body",
    "max_body",
    type=click.IntRange(min=1024),
    default=4 * 1024 * 1024,
    show_default=True,
    help="Largest request body in bytes (413 above).",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0.1),
    default=600.0,
    show_default=True,
    help="Requests a minute per client address (429 above; bursts of 60).",
)
@click.option(
    "--work-seconds",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Longest work per request (503 past it).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes that answer queries (0: threads of the server process). One per core lets queries use every "
    "core; adds and deletes stay in the server process.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback when something goes wrong at start-up.")
def serve_command(
    index_path: str,
    host: str,
    port: int,
    token_file: str | None,
    embedder: str,
    device: str,
    max_body: int,
    rate: float,
    work_seconds: float,
    workers: int,
    debug: bool,
) -> None:
    """Serve the archive at PATH over HTTP, with a web page at /.

    Every request but GET /v1/health and the page needs the header
    `Authorization: Bearer TOKEN`, the token coming from COPYTRAIL_TOKEN or --token-file.

    \b
    POST   /v1/compare          {"a": "...", "b": "..."} or two uploaded files -> compare report
    GET    /v1/reports/{id}     that report as a side-by-side HTML page
    POST   /v1/query            {"text": "...", "top": 10} -> ranked archive matches
    POST   /v1/documents        {"id": "...", "text": "..."} -> added to the archive
    DELETE /v1/documents/{id}
    GET    /v1/health, /openapi.json

    \b
    Example:
      export COPYTRAIL_TOKEN=$(openssl rand -hex 32)
      copytrail serve --index news.db --port 8000
      curl -H "Authorization: Bearer $COPYTRAIL_TOKEN" -H 'Content-Type: application/json' \\
         -d '{"text": "..."}' localhost:8000/v1/query
    """
    set_command_state(debug=debug)
    from copytrail.errors import require

    require("uvicorn", extra="serve", purpose="copytrail serve")
    import uvicorn

    from copytrail.archive import Archive
    from copytrail.service import ServiceConfig, create_app, read_token

    config = ServiceConfig(
        token=read_token(token_file),
        max_body_bytes=max_body,
        rate_per_minute=rate,
        work_seconds=work_seconds,
        embedder=embedder,
        device=device,
    )
    from copytrail.service.pool import QueryPool

    with Archive.open(index_path) as archive:
        pool = QueryPool(index_path, workers) if workers else None
        try:
            click.echo(
                f"Serving {index_path} ({archive.stats().documents:,} documents) on http://{host}:{port}/", err=True
            )
            uvicorn.run(create_app(archive, config, pool=pool), host=host, port=port, log_level="warning")
        finally:
            if pool is not None:
                pool.close()
