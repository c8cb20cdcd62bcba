"""Bounces without a machine-readable report: sent by MAILER-DAEMON, or by postmaster with an
empty envelope sender (`Return-Path: <>`, which only delivery reports use)."""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, Verdict
from intake.mail.models import ParsedEmail


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    local = (mail.sender_address or "").rpartition("@")[0].lower()
    null_sender = (mail.header("Return-Path") or "").replace(" ", "") == "<>"
    if local == "mailer-daemon" or (local == "postmaster" and null_sender):
        reason = f"bounce from {mail.sender_address} without a delivery-status part"
        return Verdict("delivery-report", "mailer_daemon", reason)
    return PERSON
