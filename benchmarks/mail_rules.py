"""What the email rules cost per message: parsing, the noise filters and the HTML sanitiser.

Every message of the shared MIME corpus (`../shared/data/mime/`) is read `--rounds` times by
  baseline: the standard library alone (`email.message_from_bytes` + `get_body` + content),
  parse:    `intake.mail.parse_email` (charset repair, HTML to text, attachments, TNEF),
  rules:    parse + `intake.mail.filters.screen` + `sanitise_html` of the HTML body,
and the rates are printed with their ratio to the baseline measured in the same run.

    .venv/bin/python benchmarks/mail_rules.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from intake.mail import MalformedEmail, parse_email  # noqa: E402
from intake.mail.filters import screen  # noqa: E402
from intake.mail.sanitise import sanitise_html  # noqa: E402

CORPUS = REPO.parent / "shared" / "data" / "mime"


def baseline(raw: bytes) -> None:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # The floor only: what the standard library cannot read is skipped.
    with contextlib.suppress(Exception):
        body = message.get_body(preferencelist=("plain", "html"))
        if body is not None:
            body.get_content()


def parse_only(raw: bytes) -> None:
    with contextlib.suppress(MalformedEmail):
        parse_email(raw)


def with_rules(raw: bytes) -> None:
    try:
        mail = parse_email(raw)
    except MalformedEmail:
        return
    screen(mail)
    if mail.html:
        sanitise_html(mail.html)


def rate(work: Callable[[bytes], None], messages: list[bytes], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for raw in messages:
            work(raw)
    return len(messages) * rounds / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    messages = [p.read_bytes() for p in sorted(CORPUS.iterdir()) if p.is_file()]
    size = sum(map(len, messages))
    print(f"{len(messages)} messages ({size / 1024:.0f} KiB) x {rounds} rounds")
    floor = rate(baseline, messages, rounds)
    print(f"  baseline (stdlib parse + body): {floor:8.0f} messages/s")
    for label, work in (("parse_email", parse_only), ("parse + filters + sanitise", with_rules)):
        measured = rate(work, messages, rounds)
        print(f"  {label:<30} {measured:8.0f} messages/s  ({measured / floor:.2f} x baseline)")


if __name__ == "__main__":
    main()
