"""A tiny HTML builder that escapes everything it is not told is safe.

Pages are built from :func:`el` calls. Every plain ``str`` passed as a child or attribute value is
escaped with :func:`html.escape`; only :class:`Markup` (what :func:`el` itself returns, or an SVG
the wheel module serialised) goes in as is. So a city called ``<script>alert(1)</script>``, a KPI
name or a plugin's message can only ever appear as text, and there is no template language to get
wrong. The standard library is enough for this; a template engine would add a dependency for
nothing the pages need.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

__all__ = ["Markup", "bdi", "el", "escape", "isolate", "join"]

#: Elements that have no end tag.
_VOID = {"meta", "link", "br", "hr", "img", "col", "input"}


class Markup(str):
    """Text that is already HTML: inserted as is, never escaped again."""

    __slots__ = ()


def escape(value: Any) -> Markup:
    """``value`` as HTML text: markup stays, anything else is converted to ``str`` and escaped."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def join(children: Iterable[Any]) -> Markup:
    """Children as HTML: each escaped (unless markup), ``None`` skipped, iterables flattened."""
    parts: list[str] = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, str):
            parts.append(escape(child))
        elif isinstance(child, Iterable):
            parts.append(join(child))
        else:
            parts.append(escape(child))
    return Markup("".join(parts))


def el(tag: str, *children: Any, **attrs: Any) -> Markup:
    """One element: ``el("td", "text", class_="num", title=full_name)``.

    Attribute names lose a trailing ``_`` (``class_`` is ``class``) and turn ``_`` into ``-``
    (``aria_label`` is ``aria-label``); an attribute that is ``None`` or ``False`` is left out,
    ``True`` is written bare. Values and children are escaped.
    """
    rendered = "".join(_attribute(name, value) for name, value in attrs.items())
    if tag in _VOID:
        return Markup(f"<{tag}{rendered}>")
    return Markup(f"<{tag}{rendered}>{join(children)}</{tag}>")


def bdi(text: Any) -> Markup:
    """Text whose direction is its own: a city or KPI name in Arabic or Hebrew next to numbers
    and Latin text keeps its order and does not reorder what follows it."""
    return el("bdi", text)


def isolate(text: Any) -> str:
    """``text`` between the Unicode first-strong isolate and its pop (U+2068, U+2069): what
    :func:`bdi` does, for an attribute (a tooltip) or a page title, where no element can go."""
    return f"\u2068{text}\u2069"


def _attribute(name: str, value: Any) -> str:
    if value is None or value is False:
        return ""
    key = name.rstrip("_").replace("_", "-")
    if value is True:
        return f" {key}"
    return f' {key}="{escape(value)}"'
