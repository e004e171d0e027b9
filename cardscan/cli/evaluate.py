"""cardscan eval: accuracy against a sample set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from cardscan.cli.base import _options, cli, ocr_options, progress_bar
from cardscan.errors import ExitCode, OutputError


@cli.command(name="eval")
@click.argument("samples_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--min-f1", type=float, default=None, help="Exit 1 when macro F1 is below this.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes (default: all cores).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N cards.")
@click.option("--report", type=click.Path(path_type=Path), default=None,
              help="Write an HTML page of the worst cards: photo, expected, got.")
@ocr_options
def eval_(samples_dir: Path, as_json: bool, min_f1: float | None, workers: int | None, limit: int | None,
          report: Path | None, lang: str, region: str | None, engine: str, timeout: float) -> int:
    """Score the pipeline against a sample set (images + truth/*.json), per field.

    \b
    Example:
      cardscan eval samples/ --min-f1 0.9
    """
    from cardscan.batch import read_many
    from cardscan.evaluate import Metrics, load_samples

    options = _options(lang, region, engine, timeout)
    samples = load_samples(samples_dir)[:limit]
    by_front = {str(s.card.front): s for s in samples}
    metrics = Metrics()
    progress = progress_bar(as_json)
    with progress:
        task = progress.add_task("evaluating", total=len(samples))
        for result in read_many([s.card for s in samples], options, workers):
            metrics.update(by_front[str(result.card.front)], result.contact, result.error, result.diagnostics)
            progress.advance(task)
    summary = metrics.summary()
    if report is not None:
        from cardscan.report import write_report

        try:
            write_report(report, metrics, {s.stem: s for s in samples})
        except OSError as exc:
            raise OutputError(f"{report}: cannot write the report: {exc.strerror or exc}") from exc
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        _print_eval(summary)
    if min_f1 is not None and summary["macro_f1"] < min_f1:
        click.echo(f"cardscan: macro F1 {summary['macro_f1']:.4f} is below --min-f1 {min_f1}", err=True)
        return ExitCode.USAGE
    return ExitCode.OK


def _print_eval(summary: dict[str, Any]) -> None:
    out = Console(highlight=False)
    table = Table(title=f"cardscan eval — {summary['cards']} cards")
    for column in ("field", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name, s in summary["fields"].items():
        row = (f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["support"]))
        table.add_row(name, *row)
    out.print(table)
    by_quality = Table(title="by photo condition")
    for column in ("condition", "cards", "macro F1", "CER", "CER any order"):
        by_quality.add_column(column, justify="left" if column == "condition" else "right")
    for quality, q in summary["by_quality"].items():
        cer = "-" if q["cer"] is None else f"{q['cer']:.3f}"
        flexible = "-" if q["cer_flexible"] is None else f"{q['cer_flexible']:.3f}"
        by_quality.add_row(quality, str(q["cards"]), f"{q['macro_f1']:.3f}", cer, flexible)
    out.print(by_quality)
    kind = summary["phone_kind_accuracy"]
    lines = [
        f"macro F1: {summary['macro_f1']:.4f}",
        f"cards with every field right: {summary['all_fields_right']:.1%}",
        f"phone kind right: {'-' if kind is None else f'{kind:.1%}'}",
        "OCR CER: " + ("-" if summary["cer"] is None else f"{summary['cer']:.3f}"),
        "OCR CER, reading order ignored: "
        + ("-" if summary["cer_flexible"] is None else f"{summary['cer_flexible']:.3f}"),
    ]
    if summary["corner_iou_mean"] is not None:
        lines.append(
            f"corner IoU: mean {summary['corner_iou_mean']:.3f}, "
            f"{summary['corner_iou_ge_090']:.1%} of cards >= 0.90"
            + (f" ({summary['corner_iou_ge_090_photos']:.1%} of the photographed ones)"
               if summary["corner_iou_ge_090_photos"] is not None else "")
        )
    if summary["rotated_cards"]:
        lines.append(
            f"rotated cards turned upright: {summary['rotated_cards_upright']} of {summary['rotated_cards']}"
        )
    if summary["failed"]:
        lines.append(f"failed cards: {summary['failed']}")
    out.print("\n".join(lines))


