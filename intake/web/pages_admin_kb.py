"""Knowledge-base articles on the administration screens: the form for a new article and the
Retire / Bring back buttons of the articles list. Editing an article's text stays in
`pages_admin` (the file editor)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from intake.services import admin_articles
from intake.services.admin_articles import ArticleRejected, NewArticle, split_items
from intake.services.admin_files import InvalidOrganisation
from intake.services.errors import Refused
from intake.services.principal import Principal
from intake.web.redirects import back_with_notice
from intake.web.security import Visit, application, checked_visit, current_principal
from intake.web.templating import render

router = APIRouter()

Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Visit, Depends(checked_visit)]

_EMPTY = {"id": "", "title": "", "language": "", "topics": (), "keywords": "", "body": ""}


def _form(
    request: Request,
    principal: Principal,
    typed: dict[str, object],
    problems: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "choices": admin_articles.choices(application(request), principal),
        "typed": typed,
        "problems": problems or {},
        "error": error,
        "section": "organisation",
    }
    return render(request, "admin_article_new.html", context, status_code=status_code)


# Registered before pages_admin's "/admin/kb/{article_id}", which would take "new" for an id.
@router.get("/admin/kb/new", response_class=HTMLResponse)
def new_article(request: Request, principal: Reader) -> Response:
    languages = application(request).organisation.languages
    return _form(request, principal, dict(_EMPTY, language=languages[0] if languages else ""))


@router.post("/admin/kb")
def create_article(
    request: Request,
    visit: Writer,
    id: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    topics: Annotated[list[str] | None, Form()] = None,
    keywords: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
) -> Response:
    chosen = tuple(t.strip() for t in topics or [] if t.strip())
    new = NewArticle(
        id=id.strip(),
        title=title.strip(),
        language=language.strip(),
        topics=chosen,
        keywords=split_items(keywords),
        body=body,
    )
    typed = {
        "id": id,
        "title": title,
        "language": language,
        "topics": chosen,
        "keywords": keywords,
        "body": body,
    }
    try:
        change = admin_articles.create_article(application(request), visit.principal, new)
    except ArticleRejected as rejected:
        return _form(request, visit.principal, typed, rejected.problems, status_code=422)
    except Refused as refusal:
        # The organisation as a whole refused it, or a colleague saved this file meanwhile.
        status = 422 if isinstance(refusal, InvalidOrganisation) else refusal.status_code
        return _form(request, visit.principal, typed, error=str(refusal), status_code=status)
    return back_with_notice("/admin", change.summary)


@router.post("/admin/kb/{article_id}/retired")
def set_retired(
    request: Request,
    article_id: str,
    visit: Writer,
    retired: Annotated[bool, Form()],
) -> Response:
    app = application(request)
    change = admin_articles.set_retired(app, visit.principal, article_id, retired)
    return back_with_notice("/admin", change.summary)
