"""End-to-end throughput of the email path: ingest + extract + classify + route, per stage.

Baseline, measured in the same run on the same messages: the standard library alone parsing each
message and reading its body (`email.message_from_bytes` + `get_body`), the least any intake must
do. The figure that matters is the ratio: how much of that floor the whole pipeline keeps while it
also stores, classifies and routes.

    .venv/bin/python benchmarks/pipeline_throughput.py [--messages 1000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from intake import pipeline  # noqa: E402
from intake.app import open_app  # noqa: E402
from intake.channels.items import Channel, SourceItem  # noqa: E402
from intake.channels.receive import receive  # noqa: E402
from intake.config import Settings  # noqa: E402
from workflow.models import utcnow  # noqa: E402

MESSAGE_ID = re.compile(rb"^Message-ID:.*$", re.IGNORECASE | re.MULTILINE)


def has_attachment(raw: bytes) -> bool:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return any(part.get_content_disposition() == "attachment" for part in message.walk())


def variants(count: int, with_attachments: bool) -> list[bytes]:
    """`count` distinct messages made from the sample emails (new Message-ID each).

    Attachments are OCR'd, at about a second a page, which would hide everything else; they are
    measured only when asked for."""
    originals = [p.read_bytes() for p in sorted((REPO / "samples" / "email").glob("*.eml"))]
    if not with_attachments:
        originals = [raw for raw in originals if not has_attachment(raw)]
    messages = []
    for number in range(count):
        raw = originals[number % len(originals)]
        new_id = f"Message-ID: <bench-{number}@bench.example>".encode()
        messages.append(MESSAGE_ID.sub(new_id, raw, count=1))
    return messages


def baseline(messages: list[bytes]) -> float:
    started = time.perf_counter()
    for raw in messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        if body is not None:
            body.get_content()
    return len(messages) / (time.perf_counter() - started)


def run_pipeline(messages: list[bytes], database_url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        settings = replace(
            Settings(),
            home=Path(home),
            database_url=database_url,
            org_dir=REPO / "samples" / "org",
            training_dir=REPO / "samples" / "training",
            model_dir=str(REPO / "var" / "models"),
        )
        app = open_app(settings)
        app.sync_organisation()
        app.classifiers  # noqa: B018 - train/load outside the timed part
        rates: dict[str, float] = {}
        started = time.perf_counter()
        for number, raw in enumerate(messages):
            receive(
                app,
                SourceItem(Channel.EMAIL, f"bench/{number}.eml", f"{number}.eml", raw, utcnow()),
            )
        rates["ingest"] = len(messages) / (time.perf_counter() - started)
        for step in pipeline.STEPS:
            began = time.perf_counter()
            report = pipeline.process(app, steps=(step,))
            advanced = report.count(pipeline.Result.ADVANCED)
            assert advanced == len(messages), f"{step.name}: {advanced}/{len(messages)}"
            rates[step.name] = len(messages) / (time.perf_counter() - began)
        rates["end to end"] = len(messages) / (time.perf_counter() - started)
        app.close()
        return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp folder")
    parser.add_argument("--with-attachments", action="store_true", help="include OCR'd ones")
    args = parser.parse_args()
    messages = variants(args.messages, args.with_attachments)
    floor = baseline(messages)
    rates = run_pipeline(messages, args.database_url)
    print(f"messages: {len(messages)}  database: {args.database_url or 'sqlite (temp)'}")
    print(f"{'baseline: stdlib parse':<28}{floor:>10.0f} msg/s")
    for name, rate in rates.items():
        print(f"{'pipeline: ' + name:<28}{rate:>10.0f} msg/s   ratio {rate / floor:.3f}")


if __name__ == "__main__":
    main()
