"""Knowledge-base articles created and retired by an administrator.

A new article becomes the file `kb/<id>.md` (front matter plus Markdown body), written only when
the whole organisation still validates (`admin_files.replace_org_file`), audited, and in force at
once: the app reloads its organisation, and acknowledgements match against it. An article is never
deleted: acknowledgements sent earlier name it, so retiring one marks it `retired: true` and the
matching leaves it out from then on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from intake.app import App
from intake.services.admin import require_admin, require_reader
from intake.services.admin_files import (
    normalised,
    org_file_path,
    read_org_file,
    replace_org_file,
    version_of,
)
from intake.services.errors import NotFound, Refused
from intake.services.principal import Principal
from workflow.org_loader import KB_FOLDER
from workflow.org_models import Article

# The loader's rule for codes (see workflow.org_reading), so a file name is always safe too.
_ARTICLE_ID = re.compile(r"^[a-z][a-z0-9_.-]*$")
MAX_ID_LENGTH = 80
MAX_TITLE_LENGTH = 200


@dataclass(frozen=True)
class NewArticle:
    """What a person typed for a new article; lists are already split into items."""

    id: str
    title: str
    language: str
    topics: tuple[str, ...]
    keywords: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class ArticleSummary:
    id: str
    title: str
    language: str
    topics: tuple[str, ...]
    keywords: tuple[str, ...]
    retired: bool
    file: str


@dataclass(frozen=True)
class ArticleChoices:
    """What the form offers: the organisation's languages and topics."""

    languages: tuple[str, ...]
    topics: tuple[str, ...]


class ArticleRejected(Refused):
    """The typed article has problems; each is named by its form field. Nothing was written."""

    status_code = 422

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        listed = "; ".join(f"{name}: {message}" for name, message in problems.items())
        super().__init__(f"the article was not created: {listed}")


@dataclass(frozen=True)
class ArticleChange:
    article: ArticleSummary
    summary: str


def split_items(text: str) -> tuple[str, ...]:
    """Items typed in one box, separated by commas or new lines; a keyword may hold spaces."""
    items = (item.strip() for item in re.split(r"[,\n]", text))
    return tuple(dict.fromkeys(item for item in items if item))


def choices(app: App, principal: Principal) -> ArticleChoices:
    """For the creation form, which only administrators see."""
    require_admin(principal)
    org = app.organisation
    return ArticleChoices(org.languages, tuple(topic.code for topic in org.topics))


def list_articles(app: App, principal: Principal) -> list[ArticleSummary]:
    require_reader(principal)
    return [_summary(article) for article in app.organisation.articles]


def create_article(app: App, principal: Principal, new: NewArticle) -> ArticleChange:
    require_admin(principal)
    problems = _problems(app, new)
    if problems:
        raise ArticleRejected(problems)
    name = f"{KB_FOLDER}/{new.id}.md"
    # Expecting an empty file refuses a colleague's article saved under this name meanwhile.
    org = replace_org_file(
        app,
        name,
        article_text(new),
        actor=principal.actor,
        action="article created",
        expected_version=version_of(""),
    )
    created = _summary(_by_id(org.articles, new.id))
    return ArticleChange(created, f"Article {new.id} ({name}) created and offered from now on.")


def set_retired(app: App, principal: Principal, article_id: str, retired: bool) -> ArticleChange:
    """Retire an article (kept, no longer offered) or bring a retired one back."""
    require_admin(principal)
    article = _by_id(app.organisation.articles, article_id)
    name = f"{KB_FOLDER}/{article.source.name}"
    if article.retired == retired:
        state = "retired" if retired else "in use"
        raise Refused(f"article {article_id} is {state} already")
    current = read_org_file(app, name)
    org = replace_org_file(
        app,
        name,
        with_retired(current.text, retired),
        actor=principal.actor,
        action="article retired" if retired else "article reinstated",
        expected_version=current.version,
    )
    changed = _summary(_by_id(org.articles, article_id))
    said = "retired: kept, no longer offered" if retired else "back in use"
    return ArticleChange(changed, f"Article {article_id} {said}.")


def article_text(new: NewArticle) -> str:
    """The file: YAML front matter (dumped, so quotes and colons in a title stay safe), body."""
    front = {
        "id": new.id,
        "title": new.title,
        "language": new.language,
        "topics": list(new.topics),
        "keywords": list(new.keywords),
    }
    dumped = yaml.safe_dump(
        front, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )
    return normalised(f"---\n{dumped}---\n{normalised(new.body).strip()}\n")


def with_retired(text: str, retired: bool) -> str:
    """The article's text with `retired: true` in its front matter, or without it."""
    lines = normalised(text).split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if lines[0].strip() != "---" or end is None:
        raise Refused("the article's front matter is not closed by '---'; fix the file first")
    front = [line for line in lines[1:end] if not line.startswith("retired:")]
    if retired:
        front.append("retired: true")
    return "\n".join(["---", *front, *lines[end:]])


def _problems(app: App, new: NewArticle) -> dict[str, str]:
    org = app.organisation
    problems: dict[str, str] = {}
    if not new.id:
        problems["id"] = "an id is needed, e.g. kb-delivery-late-en"
    elif len(new.id) > MAX_ID_LENGTH or not _ARTICLE_ID.match(new.id):
        problems["id"] = (
            f"'{new.id}' is not a valid id: lower-case letters, digits, '_', '.', '-', "
            f"starting with a letter, at most {MAX_ID_LENGTH} characters"
        )
    elif any(a.id == new.id for a in org.articles):
        problems["id"] = f"an article with id '{new.id}' exists already"
    elif org_file_path(app, f"{KB_FOLDER}/{new.id}.md").exists():
        problems["id"] = f"the file {KB_FOLDER}/{new.id}.md exists already"
    if not new.title:
        problems["title"] = "a title is needed"
    elif len(new.title) > MAX_TITLE_LENGTH or "\n" in new.title:
        problems["title"] = f"the title must be one line of at most {MAX_TITLE_LENGTH} characters"
    if new.language not in org.languages:
        known = ", ".join(org.languages)
        problems["language"] = f"'{new.language}' is not a language of the organisation ({known})"
    known_topics = {topic.code for topic in org.topics}
    unknown = [topic for topic in new.topics if topic not in known_topics]
    if not new.topics:
        problems["topics"] = "choose at least one topic the article answers"
    elif unknown:
        problems["topics"] = f"unknown topic {', '.join(unknown)}"
    if any("\n" in keyword for keyword in new.keywords):
        problems["keywords"] = "a keyword must be on one line"
    if not new.body.strip():
        problems["body"] = "the article needs a body (Markdown)"
    return problems


def _by_id(articles: tuple[Article, ...], article_id: str) -> Article:
    found = next((a for a in articles if a.id == article_id), None)
    if found is None:
        raise NotFound(f"no knowledge-base article '{article_id}'")
    return found


def _summary(article: Article) -> ArticleSummary:
    return ArticleSummary(
        id=article.id,
        title=article.title,
        language=article.language,
        topics=article.topics,
        keywords=article.keywords,
        retired=article.retired,
        file=f"{KB_FOLDER}/{article.source.name}",
    )
