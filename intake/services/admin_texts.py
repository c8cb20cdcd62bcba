"""The routing rules file and the knowledge-base articles, edited as text by an administrator
and saved only when the whole organisation still validates (see `admin_files`)."""

from __future__ import annotations

from dataclasses import dataclass

from intake.app import App
from intake.services.admin import require_admin, require_reader
from intake.services.admin_files import OrgFile, read_org_file, replace_org_file
from intake.services.errors import NotFound
from intake.services.principal import Principal
from workflow.org_loader import KB_FOLDER
from workflow.rules_loader import RULES_FILE


@dataclass(frozen=True)
class Saved:
    file: str
    summary: str


def rules_file(app: App, principal: Principal) -> OrgFile:
    require_reader(principal)
    return read_org_file(app, RULES_FILE)


def save_rules(app: App, principal: Principal, text: str, version: str | None) -> Saved:
    require_admin(principal)
    org = replace_org_file(
        app, RULES_FILE, text, actor=principal.actor, action="rules saved", expected_version=version
    )
    count = len(org.rules)
    return Saved(RULES_FILE, f"{RULES_FILE} saved: {count} rules, in force from now on.")


def _article_file_name(app: App, article_id: str) -> str:
    article = next((a for a in app.organisation.articles if a.id == article_id), None)
    if article is None:
        raise NotFound(f"no knowledge-base article '{article_id}'")
    return f"{KB_FOLDER}/{article.source.name}"


def article_file(app: App, principal: Principal, article_id: str) -> OrgFile:
    require_reader(principal)
    return read_org_file(app, _article_file_name(app, article_id))


def save_article(
    app: App, principal: Principal, article_id: str, text: str, version: str | None
) -> Saved:
    require_admin(principal)
    name = _article_file_name(app, article_id)
    org = replace_org_file(
        app, name, text, actor=principal.actor, action="article saved", expected_version=version
    )
    saved = next(a for a in org.articles if f"{KB_FOLDER}/{a.source.name}" == name)
    return Saved(name, f"Article {saved.id} ({name}) saved.")
