"""The requirements.txt of an xlwings Lite workbook that runs u4ssc's worksheet functions.

xlwings Lite runs Python in the browser (Pyodide) and installs each line of its requirements.txt
tab with micropip: a name from PyPI, or the HTTPS URL of a pure-Python wheel on a server that
lets Excel fetch it (``Access-Control-Allow-Origin``, CORS). :func:`requirements_text` writes the
file from the template next to this module (``lite/requirements.txt``) for a wheel built with
``pip wheel --no-deps -w dist .`` and hosted by you (docs/excel.md).
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from u4ssc.core import UsageError

__all__ = ["LITE", "requirements_text", "wheel_name"]

#: The files a user pastes into the xlwings Lite editor: main.py and requirements.txt.
LITE = Path(__file__).resolve().parent / "lite"
#: A u4ssc wheel that Pyodide installs: pure Python, any platform.
_WHEEL = re.compile(r"u4ssc-[0-9][^/-]*-py3-none-any\.whl")
#: Hosts known to serve files without CORS headers, which Excel then cannot fetch.
_NO_CORS = {"github.com": "a GitHub release asset is served without CORS headers"}


def wheel_name(installed: str | None = None) -> str:
    """The file name of the u4ssc wheel ``pip wheel --no-deps`` builds, for ``installed`` (the
    version of u4ssc installed, by default)."""
    return f"u4ssc-{installed or version('u4ssc')}-py3-none-any.whl"


def requirements_text(wheel_url: str) -> tuple[str, list[str]]:
    """The requirements.txt for xlwings Lite, and warnings about it.

    :param wheel_url: where the u4ssc wheel is served: its HTTPS URL, or the URL of the folder
        holding it (ending in ``/``; the wheel of the installed version is named).
    :raises UsageError: the URL is not HTTPS or names no u4ssc pure-Python wheel.
    """
    warnings: list[str] = []
    line = wheel_url.strip()
    if line.endswith("/"):
        line += wheel_name()
    parts = urlsplit(line)
    if parts.scheme != "https" or not parts.netloc:
        raise UsageError(
            f"--wheel-url {wheel_url!r}: Excel fetches the wheel over HTTPS only: give an "
            "https:// URL"
        )
    name = parts.path.rsplit("/", 1)[-1]
    if not _WHEEL.fullmatch(name):
        raise UsageError(
            f"--wheel-url {wheel_url!r} names {name!r}, not a u4ssc wheel for any platform: "
            f"build it with 'pip wheel --no-deps -w dist .' and give the URL of "
            f"{wheel_name()} (or of its folder, ending in /)"
        )
    if name != wheel_name():
        warnings.append(f"{name} is not the installed version's wheel ({wheel_name()})")
    reason = _NO_CORS.get(parts.netloc.lower())
    if reason:
        warnings.append(
            f"{reason}, so Excel cannot install it: host the wheel where CORS is allowed "
            "(GitHub Pages, or a server sending Access-Control-Allow-Origin)"
        )
    template = (LITE / "requirements.txt").read_text(encoding="utf-8").splitlines()
    given = [i for i, text in enumerate(template) if text.strip() and not text.startswith("#")]
    template[given[-1]] = line  # the template's last requirement is u4ssc's example URL
    return "\n".join(template) + "\n", warnings
