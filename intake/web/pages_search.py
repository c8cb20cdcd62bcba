"""The search page: words and filters in, matching contacts out, each linking to its contact."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from intake.services import search
from intake.services.principal import Principal
from intake.web.security import application, current_principal
from intake.web.templating import render

router = APIRouter()

Reader = Annotated[Principal, Depends(current_principal)]
# `from` is a Python keyword; the first day of the date filter arrives under that name.
From = Annotated[str, Query(alias="from", description="Received on or after, YYYY-MM-DD")]


def page_link(form: search.SearchForm, page: int) -> str:
    values = {
        "q": form.words,
        "topic": form.topic,
        "product": form.product,
        "sentiment": form.sentiment,
        "channel": form.channel,
        "from": form.first,
        "to": form.last,
        "page": page,
    }
    return "/search?" + urlencode({k: v for k, v in values.items() if v})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    principal: Reader,
    q: str = "",
    topic: str = "",
    product: str = "",
    sentiment: str = "",
    channel: str = "",
    first: From = "",
    to: str = "",
    page: int = 1,
) -> Response:
    app = application(request)
    form = search.SearchForm(q, topic, product, sentiment, channel, first, to, page)
    results, problem = None, None
    try:
        results = search.search_contacts(app, principal, form) if form.asked else None
    except search.BadSearch as error:
        problem = str(error)
    context = {
        "form": form,
        "results": results,
        "problem": problem,
        "topics": app.organisation.topics,
        "products": search.known_products(app),
        "sentiments": search.SENTIMENTS,
        "channels": search.CHANNELS,
        "page_link": page_link,
    }
    fragment = bool(request.headers.get("HX-Request"))
    template = "search_results.html" if fragment else "search.html"
    # HTMX swaps only successful answers, so the fragment says what was wrong with a 200.
    status = 400 if problem and not fragment else 200
    return render(request, template, context, status_code=status)
