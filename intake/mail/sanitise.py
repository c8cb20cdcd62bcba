"""HTML mail bodies made safe to show: an allow-list of tags and attributes, nothing active.

No scripts, styles, frames, forms or event handlers survive; nothing loads from the network when
the result is shown (remote images lose their `src`, keeping their alt text); images sent with the
message stay as `cid:` references the viewer resolves from the message's own parts.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

_ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "address", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center",
        "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "font",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
        "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
# Elements dropped with everything inside them: code, styles, embedded documents, metadata.
# Not <head>: mail clients often leave it open, and it would swallow the body; what it may
# hold (title, style, script, meta, link) goes anyway.
_DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "title",
        "template", "noscript", "svg", "math", "textarea", "select", "button", "audio", "video",
        "canvas", "noembed", "noframes", "xml",
    }
)  # fmt: skip
_VOID = frozenset({"br", "hr", "img", "col", "wbr"})
# Attributes that need no value.
_FLAGS = frozenset({"nowrap", "noshade", "reversed"})
_GLOBAL_ATTRIBUTES = frozenset({"title", "dir", "lang", "align", "valign"})
_TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "name"}),
    "img": frozenset({"src", "alt", "width", "height", "border"}),
    "font": frozenset({"color", "face", "size"}),
    "table": frozenset({"width", "border", "cellpadding", "cellspacing", "bgcolor", "summary"}),
    "td": frozenset({"width", "height", "colspan", "rowspan", "bgcolor", "nowrap"}),
    "th": frozenset({"width", "height", "colspan", "rowspan", "bgcolor", "nowrap", "scope"}),
    "tr": frozenset({"bgcolor"}),
    "col": frozenset({"width", "span"}),
    "colgroup": frozenset({"width", "span"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value", "type"}),
    "hr": frozenset({"width", "size", "noshade"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
}
_LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_INLINE_IMAGE = re.compile(r"data:image/(?:png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]*\Z", re.I)
# Browsers ignore control characters and whitespace inside a URL scheme ("java\tscript:").
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
REMOTE_IMAGE_NOTE = "remote image not loaded"


def sanitise_html(html: str) -> str:
    """A safe rendering of an HTML mail body, for showing it beside the extracted text."""
    cleaner = _Cleaner()
    cleaner.feed(html)
    cleaner.close()
    return cleaner.result()


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._open: list[str] = []
        # The dropped element we are inside of, with how deep it is nested in itself.
        self._dropping: str | None = None
        self._drop_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._swallowed_start(tag):
            return
        if tag not in _ALLOWED_TAGS:
            return
        kept = _attributes(tag, attrs)
        rendered = "".join(f' {name}="{escape(value, quote=True)}"' for name, value in kept)
        self._out.append(f"<{tag}{rendered}>")
        if tag not in _VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_WITH_CONTENT or self._dropping:
            return
        self.handle_starttag(tag, attrs)
        if tag in _ALLOWED_TAGS and tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._dropping:
            if tag == self._dropping:
                self._drop_depth -= 1
                if self._drop_depth == 0:
                    self._dropping = None
            return
        if tag not in self._open:
            return  # a stray end tag must not close an element opened before the body
        while self._open:
            closing = self._open.pop()
            self._out.append(f"</{closing}>")
            if closing == tag:
                return

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self._out.append(escape(data, quote=False))

    def _swallowed_start(self, tag: str) -> bool:
        if self._dropping:
            if tag == self._dropping:
                self._drop_depth += 1
            return True
        if tag in _DROPPED_WITH_CONTENT:
            self._dropping, self._drop_depth = tag, 1
            return True
        return False

    def result(self) -> str:
        closing = "".join(f"</{tag}>" for tag in reversed(self._open))
        return "".join(self._out) + closing


def _attributes(tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    allowed = _GLOBAL_ATTRIBUTES | _TAG_ATTRIBUTES.get(tag, frozenset())
    kept: list[tuple[str, str]] = []
    blocked_image = False
    for name, value in attrs:
        if name not in allowed or (value is None and name not in _FLAGS):
            continue
        value = value or ""
        if name == "href":
            if not _safe_link(value):
                continue
        elif name == "src":
            if not _local_image(value):
                blocked_image = True
                continue
        elif name == "cite" and not _safe_link(value):
            continue
        kept.append((name, value))
    if blocked_image and not any(name == "title" for name, _ in kept):
        kept.append(("title", REMOTE_IMAGE_NOTE))
    if tag == "a" and any(name == "href" for name, _ in kept):
        # Links open outside the viewer and tell the target nothing about where they came from.
        kept += [("rel", "noopener noreferrer nofollow"), ("target", "_blank")]
    return kept


def _safe_link(url: str) -> bool:
    cleaned = _URL_NOISE.sub("", url).lower()
    return cleaned.startswith(_LINK_SCHEMES) or cleaned.startswith("#")


def _local_image(url: str) -> bool:
    """Images that come with the message (`cid:`) or inside the HTML itself (`data:`)."""
    cleaned = _URL_NOISE.sub("", url)
    return cleaned.lower().startswith("cid:") or _INLINE_IMAGE.match(url.strip()) is not None
