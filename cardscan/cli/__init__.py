"""The command line: the only place that prints for people and maps errors to exit codes.

Each command lives in its own module of this package and registers itself on `cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from cardscan.cli import dedupe, evaluate, exporter, followups, importer, review, scan  # noqa: F401  (register commands)
from cardscan.cli.base import cli
from cardscan.errors import CardscanError, ExitCode


def _fail(message: str, code: int) -> int:
    click.echo(f"cardscan: error: {message}", err=True)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; every error becomes one line on stderr and the contract's exit code."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="cardscan",
                          standalone_mode=False)
    except CardscanError as exc:
        return _fail(str(exc), int(exc.exit_code))
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        return ExitCode.USAGE
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        return _fail(f"{exc.format_message()}{hint}", ExitCode.USAGE)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("cardscan: interrupted", err=True)
        return ExitCode.INTERRUPTED
    except click.ClickException as exc:
        return _fail(exc.format_message(), ExitCode.USAGE)
    except BrokenPipeError:
        return ExitCode.OK
    return int(result or 0)


def run() -> None:
    sys.exit(main())




__all__ = ["cli", "main", "run"]
