"""``u4ssc new-plugin``: write a city plugin package that installs, registers and tests itself.

The package is made from the templates in ``templates/plugin`` (``$name`` placeholders filled in
with :class:`string.Template`): a ``pyproject.toml`` with the ``u4ssc`` entry point, a module with
one data item, one indicator and its local target, one test file and a README. Its tests pass as
generated once the package is installed (``pip install -e ".[test]" && pytest``).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

from u4ssc.core.errors import UsageError

__all__ = ["PluginNames", "ascii_name", "create_plugin_package", "plugin_names"]

#: Words dropped from a package name to get the city's name ("aster-kpis" is about "Aster").
_NOT_CITY = {"kpi", "kpis", "u4ssc", "plugin", "plugins", "indicators", "local"}
_TEMPLATES = "templates/plugin"
_SUFFIX = ".tmpl"
#: Latin letters that Unicode does not decompose into a base letter and a mark (NFKD).
_LATIN = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
        "ħ": "h", "Ħ": "H", "ı": "i", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T",
    }
)  # fmt: skip
#: Template file names that become dot files (package data keeps no dot files reliably).
_DOT_FILES = {"gitignore": ".gitignore"}


@dataclass(frozen=True)
class PluginNames:
    """The names a new plugin package is known by.

    :ivar dist: the distribution name, as on PyPI (``aster-kpis``).
    :ivar module: the import name, also the plugin's name in u4ssc (``aster_kpis``).
    :ivar city: the city's name, for titles, as typed (``Aster``, ``München``).
    :ivar code: the code of the example indicator (``ASTER: TREES: 1``).
    :ivar transliterated: letters had to be written in ASCII (``münchen`` became ``munchen``).
    :ivar changed: the package name is not what was typed, beyond case, spaces and underscores
        (``x--y`` became ``x-y``, ``aster.kpis`` became ``aster-kpis``).
    """

    dist: str
    module: str
    city: str
    code: str
    transliterated: bool = False
    changed: bool = False


def ascii_name(text: str) -> str:
    """``text`` in ASCII letters: accents dropped (NFKD), ß, æ, ø, ł and the like spelt out.

    :raises UsageError: a character has no ASCII spelling (Chinese, Arabic, Cyrillic ...); the
        message names the characters and asks for a name in Latin letters.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN)).translate(_LATIN)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    foreign = sorted({c for c in kept if not c.isascii() and c.isalnum()}, key=kept.index)
    if foreign:
        raise UsageError(
            f"{text!r} cannot name a Python package: {', '.join(map(repr, foreign))} "
            "cannot be written in ASCII letters. Give the name in Latin letters (e.g. "
            "tokyo-kpis); the city's own spelling can go in the package's README and titles"
        )
    return kept


def plugin_names(name: str) -> PluginNames:
    """Derive the package, module, city and code names from what the user typed.

    Letters with accents and the like are written in ASCII (``münchen-kpis`` gives the package
    ``munchen-kpis``, module ``munchen_kpis``); the city keeps its spelling in titles.

    :raises UsageError: the name is not usable as a package name, or has letters with no ASCII
        spelling.
    """
    typed = unicodedata.normalize("NFKC", name.strip())  # ligatures and wide forms as letters
    if "/" in typed or "\\" in typed:
        raise UsageError(
            f"{name!r} is a path, not a name: give the package's name (e.g. aster-kpis), and "
            "the folder to write it in with --dir"
        )
    latin = ascii_name(typed)
    dist = re.sub(r"[^a-z0-9]+", "-", latin.lower()).strip("-")
    module = dist.replace("-", "_")
    if keyword.iskeyword(module):
        raise UsageError(
            f"{name!r} cannot name a Python package: {module} is a Python keyword; add a "
            f"word, e.g. {module}-kpis"
        )
    if not re.fullmatch(r"[a-z][a-z0-9_]*", module):
        raise UsageError(
            f"{name!r} cannot name a Python package: use letters, digits and dashes, starting "
            "with a letter, e.g. aster-kpis"
        )
    if module == "u4ssc":
        raise UsageError(
            "the package cannot be named u4ssc: name it after the city, e.g. aster-kpis"
        )
    words = [w for w in dist.split("-") if w not in _NOT_CITY] or dist.split("-")
    typed_words = [w for w in re.split(r"[\W_]+", typed) if w]
    if len(typed_words) == len(dist.split("-")):  # the same words, in the city's own spelling
        kept = [t for t, w in zip(typed_words, dist.split("-"), strict=True) if w in words]
        city = " ".join(word[:1].upper() + word[1:].lower() for word in kept)
    else:
        city = " ".join(word.capitalize() for word in words)
    code = f"{''.join(words).upper()}: TREES: 1"
    changed = dist != re.sub(r"[\s_]+", "-", latin.lower())
    return PluginNames(dist, module, city, code, transliterated=latin != typed, changed=changed)


def create_plugin_package(name: str, directory: str | Path = ".") -> list[Path]:
    """Write a new plugin package into ``directory/<dist name>`` and return the files written.

    :param name: the package name, e.g. ``aster-kpis`` (the city's name plus a suffix).
    :param directory: where to create the package's folder.
    :raises UsageError: the name is unusable, or the folder exists and is not empty.
    """
    names = plugin_names(name)
    root = Path(directory) / names.dist
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(
            f"{str(root)!r} already exists and is not empty: choose another name or --dir"
        )
    values = {
        "dist": names.dist,
        "module": names.module,
        "city": names.city,
        "code": names.code,
        "u4ssc_version": _minimum_u4ssc(),
    }
    written = []
    for relative, template in _templates(files("u4ssc").joinpath(_TEMPLATES), ""):
        target = root / relative.replace("__module__", names.module)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(Template(template).substitute(values), encoding="utf-8")
        written.append(target)
    return written


def _templates(folder: Traversable, prefix: str) -> list[tuple[str, str]]:
    """``(relative output path, template text)`` for every template below ``folder``."""
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            found += _templates(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(_SUFFIX):
            stem = entry.name.removesuffix(_SUFFIX)
            found.append((prefix + _DOT_FILES.get(stem, stem), entry.read_text(encoding="utf-8")))
    return found


def _minimum_u4ssc() -> str:
    """The running u4ssc's major.minor version: the generated package needs at least that."""
    try:
        return ".".join(version("u4ssc").split(".")[:2])
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.1"
