"""How every ``copytrail`` command ends: one handler for errors, interrupts, signals and closed pipes.

==========  ===================================================================
exit        when
==========  ===================================================================
0           the command ran (whatever it found)
1           a bug: anything unexpected, with its traceback
2           bad input or usage: one ``Error: Type: message`` line on stderr
130         interrupted (Ctrl-C); a scan says that rerunning it resumes
141         standard output was closed early (``copytrail compare a b | head``): quiet
143         terminated (SIGTERM), after removing temporary files
==========  ===================================================================

SIGTERM is turned into :class:`Terminated` (a ``BaseException``, like ``KeyboardInterrupt``)
in the main thread, so ``finally`` blocks and temporary folders clean up before exit.

A command that has said all it has to say can ask to skip the interpreter's teardown
(:func:`end_quickly_on_success`, :func:`end_process`): ``copytrail compare`` does.
"""

from __future__ import annotations

import atexit
import os
import re
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn, TypeVar

import click

from copytrail.errors import ArchiveError, CopytrailError, OutputError

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_BUG",
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "Terminated",
    "end_process",
    "end_quickly_on_success",
    "error_line",
    "run_handled",
    "set_command_state",
    "sigterm_raises",
]

EXIT_BUG = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
EXIT_TERMINATED = 143

_DEBUG = "copytrail.debug"
_RERUN = "copytrail.rerun_hint"
_quick_end = False  # set by end_quickly_on_success, read by end_process

T = TypeVar("T")


class Terminated(BaseException):  # noqa: N818 - named like KeyboardInterrupt, its sibling
    """The process received SIGTERM; raised in the main thread so cleanup runs on the way out."""


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def error_line(exc: BaseException) -> str:
    """The one line the CLI prints for a :class:`CopytrailError`: ``Error: Type: message``.

    Messages quote what inputs hold (a CSV header's field names, file names), so control
    characters are shown as ``\\x1b`` escapes: a NUL or an escape sequence from a file must
    not reach the terminal.
    """
    message = " ".join(str(exc).split())
    message = _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", message)
    return f"Error: {type(exc).__name__}: {message}"


def set_command_state(*, debug: bool, rerun_hint: str | None = None) -> None:
    """Tell the handler about the running command: ``--debug``, and what a rerun after Ctrl-C does."""
    ctx = click.get_current_context()
    ctx.meta[_DEBUG] = debug
    if rerun_hint is not None:
        ctx.meta[_RERUN] = rerun_hint


def end_quickly_on_success() -> None:
    """Let the process skip the interpreter's teardown if this command ends with 0 (:func:`end_process`)."""
    global _quick_end
    _quick_end = True


def end_process(done: SystemExit) -> NoReturn:
    """End the ``copytrail`` process with ``done``'s status.

    After a command that asked for it (:func:`end_quickly_on_success`) succeeded, with no other
    Python thread running and no profiler or tracer watching (they report at the end), this
    skips the interpreter's teardown: freeing every object one by
    one (the language model's tables, word frequency lists, regular expressions, the ONNX
    Runtime session) took 0.12-0.15 s of a 1.2 s ``copytrail compare``, for memory the operating
    system takes back at once. The ``atexit`` functions still run (a library's cleanup, logging's
    flush) and both streams are flushed first; a closed standard output then ends as the handler
    ends it, with 141. Any other ending takes Python's ordinary way out.
    """
    code = done.code if done.code is not None else 0
    watched = sys.getprofile() is not None or sys.gettrace() is not None  # a profiler, coverage, a debugger
    if code != 0 or not _quick_end or watched or threading.active_count() > 1:
        raise done
    atexit._run_exitfuncs()  # noqa: SLF001 - private but long stable; os._exit alone would skip them
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        code = EXIT_BROKEN_PIPE
    except (OSError, ValueError):  # stdout already closed or gone: nothing left to write to
        pass
    with suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread (elsewhere: a no-op)."""

    def handler(signum: int, frame: Any) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout already gone or not a real file (CliRunner)
        pass


def _archive_error(exc: sqlite3.DatabaseError) -> ArchiveError:
    """What to say of an archive error SQLite raised past the archive's own checks."""
    if isinstance(exc, sqlite3.IntegrityError):
        return ArchiveError(
            "the archive", f"another process wrote the same documents at once ({exc}); run the command again"
        )
    return ArchiveError("the archive", f"is damaged ({exc}); build it again from its inputs with `copytrail index add`")


def run_handled(ctx: click.Context, invoke: Callable[[], T]) -> T:
    """Run a command, turning what a user can cause into an exit status and one line on stderr.

    Args:
        ctx: the group's context; commands record ``--debug`` and their rerun hint in its
            ``meta`` with :func:`set_command_state`.
        invoke: runs the command.
    """
    try:
        with sigterm_raises():
            return invoke()
    except CopytrailError as exc:
        if ctx.meta.get(_DEBUG):
            raise
        click.echo(error_line(exc), err=True)
        sys.exit(EXIT_USAGE)
    except sqlite3.DatabaseError as exc:
        # Opening an archive checks its file; damage deeper in it, or a write another process
        # raced, shows only when a page is read or a row written.
        if ctx.meta.get(_DEBUG):
            raise
        click.echo(error_line(_archive_error(exc)), err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        hint = ctx.meta.get(_RERUN)
        click.echo(f"\nInterrupted{'; ' + hint if hint else ''}.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Terminated:
        hint = ctx.meta.get(_RERUN)
        click.echo(f"Terminated{'; ' + hint if hint else ''}.", err=True)
        sys.exit(EXIT_TERMINATED)
    except BrokenPipeError:
        # The reader stopped reading (`| head`): nothing is wrong and nothing more can be said.
        _quiet_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except EOFError as exc:
        # click would turn this into a bare "Aborted!"; an EOFError reaching here is a bug.
        raise RuntimeError(f"unexpected end of input: {exc}") from exc


def check_output_path(path: str) -> None:
    """Fail before any work when ``path`` cannot be written (missing folder, a folder, no permission).

    Raises:
        OutputError: with what to do.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise OutputError(path, "is a folder; give a file name such as report.html")
    if not os.path.isdir(folder):
        raise OutputError(path, f"the folder {folder} does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise OutputError(path, "permission denied; choose a path you can write to")


def field_option(flag: str, default: str, help_text: str) -> Callable[[Any], Any]:
    """An option naming a record field (``--id-field``), with its default shown; an empty name is a usage error."""
    return click.option(flag, default=default, show_default=True, callback=_field_name, help=help_text)


def _field_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("is empty; name the JSONL/CSV/Parquet field (column) to read", ctx, param)
    return value


def nonempty_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback for path options: an empty path is a usage error, not the current folder."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; give a path", ctx, param)
    return value
