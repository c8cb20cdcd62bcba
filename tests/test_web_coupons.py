"""Coupon data through the REST API, for the loyalty programme's systems."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from intake import pipeline
from intake.app import App
from intake.channels.ingest import ingest_paths
from tests.conftest import SAMPLES, need_tesseract
from tests.web_support import BILLING, MAILROOM, add_people, client_for
from workflow.accounts import issue_api_token
from workflow.db import unit_of_work

COUPON = SAMPLES / "scans" / "pl_loyalty_coupon_01.jpg"


def test_the_loyalty_programme_reads_coupons_as_json_or_csv_with_a_token(
    app: App, tmp_path: Path
) -> None:
    need_tesseract()
    add_people(app)
    shutil.copy(COUPON, tmp_path / COUPON.name)
    (received,) = ingest_paths(app, [tmp_path / COUPON.name])
    pipeline.process(app)
    with unit_of_work(app.sessions) as session:
        mailroom_token = issue_api_token(session, MAILROOM, "loyalty", "test")
        billing_token = issue_api_token(session, BILLING, "loyalty", "test")
    client = client_for(app)
    since = date.today().isoformat()

    response = client.get(
        f"/api/v1/coupons?since={since}", headers={"Authorization": f"Bearer {mailroom_token}"}
    )
    assert response.status_code == 200
    export = response.json()
    (row,) = export["rows"]
    assert row["contact"] == str(received.contact_id)
    assert row["form"].startswith("coupon")
    assert {"contact", "received_at", "form", "unverified_fields"} <= set(export["columns"])
    assert len(export["columns"]) > 4  # one column per form field

    csv_text = client.get(
        f"/api/v1/coupons?since={since}&format=csv",
        headers={"Authorization": f"Bearer {mailroom_token}"},
    ).text
    header, first = csv_text.splitlines()[:2]
    assert header.split(",")[:4] == ["contact", "received_at", "form", "unverified_fields"]
    assert first.startswith(f"{received.contact_id},")

    refused = client.get(
        f"/api/v1/coupons?since={since}", headers={"Authorization": f"Bearer {billing_token}"}
    )
    assert refused.status_code == 403
