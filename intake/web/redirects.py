"""Where a page sends the browser after a form: back with a notice (POST-redirect-GET), and
only ever to a path of this site, never to another host a crafted link names."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import RedirectResponse


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this site ("/..." but not "//host/..."), else None."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def back_with_notice(path: str, message: str) -> RedirectResponse:
    """To `path`, which shows `message` as the confirmation of what was done."""
    return RedirectResponse(f"{path}?done={quote(message)}", status_code=303)
