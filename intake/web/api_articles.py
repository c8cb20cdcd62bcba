"""REST API: knowledge-base articles listed, created and retired, for other systems (a CMS
publishing its help pages here), with the same checks as the administration screen."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from intake.services import admin_articles
from intake.services.admin_articles import ArticleSummary, NewArticle
from intake.web.api import Caller
from intake.web.security import application

router = APIRouter(prefix="/api/v1", tags=["knowledge base"])


class ArticleIn(BaseModel):
    id: str = Field(description="Lower-case code, also the file name kb/<id>.md.")
    title: str
    language: str = Field(description="One of the organisation's languages.")
    topics: list[str] = Field(description="Topic codes the article answers (at least one).")
    keywords: list[str] = Field(default_factory=list, description="Words that count most.")
    body: str = Field(description="Markdown; its first paragraph is the excerpt sent.")


class RetiredIn(BaseModel):
    retired: bool = Field(default=True, description="false brings a retired article back.")


@router.get("/articles")
def list_articles(request: Request, principal: Caller) -> list[ArticleSummary]:
    """Every article of the organisation, retired ones included (marked)."""
    return admin_articles.list_articles(application(request), principal)


@router.post(
    "/articles",
    status_code=201,
    responses={422: {"description": "The problems, by field; nothing was written."}},
)
def create_article(request: Request, body: ArticleIn, principal: Caller) -> ArticleSummary:
    """A new article, offered in acknowledgements from now on (administrators only)."""
    new = NewArticle(
        id=body.id.strip(),
        title=body.title.strip(),
        language=body.language.strip(),
        topics=tuple(dict.fromkeys(t.strip() for t in body.topics if t.strip())),
        keywords=tuple(dict.fromkeys(k.strip() for k in body.keywords if k.strip())),
        body=body.body,
    )
    # Refused input answers 422 with every problem named by its field in `detail`.
    return admin_articles.create_article(application(request), principal, new).article


@router.post("/articles/{article_id}/retired")
def set_retired(
    request: Request, article_id: str, body: RetiredIn, principal: Caller
) -> ArticleSummary:
    """Retire an article (kept for earlier acknowledgements, not offered) or bring it back."""
    app = application(request)
    return admin_articles.set_retired(app, principal, article_id, body.retired).article
