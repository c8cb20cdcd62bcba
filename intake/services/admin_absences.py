"""Absences with their substitutes, added and ended by an administrator.

The change is a new `absences.yaml` (its leading comments kept, one absence per line), put in
place by `replace_org_file` after the whole organisation validated; then the absent agents'
open tasks go to their substitutes at once (`workflow.overflow.substitute_absent`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import yaml

from intake.app import App
from intake.services.admin import require_admin, today_of
from intake.services.admin_files import org_file_path, replace_org_file
from intake.services.errors import NotFound, Refused
from intake.services.principal import Principal
from workflow.db import unit_of_work
from workflow.models import utcnow
from workflow.org import Organisation
from workflow.org_models import Absence
from workflow.org_people import ABSENCES_FILE
from workflow.overflow import Substitution, substitute_absent


@dataclass(frozen=True)
class AbsenceChange:
    """What an edit did: a sentence for the person, and the tasks that changed hands."""

    summary: str
    substitutions: tuple[Substitution, ...]


def add_absence(app: App, principal: Principal, absence: Absence) -> AbsenceChange:
    require_admin(principal)
    org = app.organisation
    _check_new(org, absence, today_of(org))
    absences = (*org.absences, absence)
    moved = _save(app, principal, absences, "absence added")
    summary = (
        f"{absence.agent} is away from {absence.starts} to {absence.ends}; "
        f"{absence.substitute} substitutes."
    )
    return AbsenceChange(summary, moved)


def end_absence(app: App, principal: Principal, agent: str, starts: date) -> AbsenceChange:
    """The agent is back today: a current absence ends yesterday, a planned one is dropped."""
    require_admin(principal)
    org = app.organisation
    today = today_of(org)
    found = next((a for a in org.absences if a.agent == agent and a.starts == starts), None)
    if found is None:
        raise NotFound(f"no absence of {agent} starting {starts}")
    if found.ends < today:
        raise Refused(f"the absence of {agent} ended on {found.ends} already")
    back = today - timedelta(days=1)
    kept = [a for a in org.absences if a is not found]
    if back >= found.starts:
        kept.append(replace(found, ends=back))
        summary = f"{agent} is back: the absence now ends on {back}."
    else:
        summary = f"{agent}'s absence from {found.starts} is cancelled."
    return AbsenceChange(summary, _save(app, principal, tuple(kept), "absence ended"))


def _check_new(org: Organisation, absence: Absence, today: date) -> None:
    """The clear refusals, before the whole organisation is validated as a last safety net."""
    agents = {a.id for a in org.agents}
    for role, agent_id in (("agent", absence.agent), ("substitute", absence.substitute)):
        if agent_id not in agents:
            raise Refused(f"the {role} '{agent_id}' is not an agent of the organisation")
    if absence.substitute == absence.agent:
        raise Refused("an agent cannot substitute for themselves")
    if absence.ends < absence.starts:
        raise Refused(f"the absence ends ({absence.ends}) before it starts ({absence.starts})")
    if absence.ends < today:
        raise Refused(f"the absence would be over already (it ends {absence.ends})")
    for other in org.absences:
        overlaps = other.starts <= absence.ends and absence.starts <= other.ends
        if other.agent == absence.agent and overlaps:
            raise Refused(
                f"{absence.agent} is already away from {other.starts} to {other.ends}; "
                "end that absence first"
            )


def _save(
    app: App, principal: Principal, absences: tuple[Absence, ...], action: str
) -> tuple[Substitution, ...]:
    path = org_file_path(app, ABSENCES_FILE)
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    text = absences_yaml(absences, _leading_comments(before))
    org = replace_org_file(app, ABSENCES_FILE, text, actor=principal.actor, action=action)
    with unit_of_work(app.sessions) as session:
        return tuple(substitute_absent(session, org, utcnow()))


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines).strip("\n")


def absences_yaml(absences: tuple[Absence, ...], header: str = "") -> str:
    """One flow mapping per line, ordered by start, as an administrator would write them."""
    lines = [header] if header else []
    if not absences:
        lines.append("absences: []")
    else:
        lines.append("absences:")
        for absence in sorted(absences, key=lambda a: (a.starts, a.agent)):
            lines.append(f"  - {_flow(absence)}")
    return "\n".join(lines) + "\n"


def _flow(absence: Absence) -> str:
    fields: dict[str, object] = {
        "agent": absence.agent,
        "from": absence.starts,
        "to": absence.ends,
        "substitute": absence.substitute,
    }
    if absence.reason:
        fields["reason"] = absence.reason
    dumped = yaml.safe_dump(
        fields, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10_000
    )
    return dumped.strip()
