"""Drive headless Chromium over the DevTools protocol, standard library only.

Chromium started with ``--remote-debugging-pipe`` reads protocol messages (JSON, each ended by a
NUL byte) on its file descriptor 3 and writes replies and events on descriptor 4, so no websocket
client and no network port are needed. Used by the browser tests of the HTML reports.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

__all__ = ["Browser", "BrowserError", "PageLoad", "find_chromium"]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """Chromium did not answer as expected (crashed, timed out, or returned an error)."""


def find_chromium() -> str | None:
    """The path of Debian's ``chromium`` (or a ``chromium-browser``), or ``None``."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class PageLoad:
    """What happened while one page loaded: console errors, exceptions, dialogs."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []

    def record(self, event: dict[str, Any]) -> None:
        """Keep an event that says something went wrong."""
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = params.get("args", [])
            self.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in args))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append(details.get("exception", {}).get("description") or str(details))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params.get("message", ""))


def _hold_fds(*wanted: int) -> list[int]:
    """Open /dev/null until every fd in ``wanted`` is in use; return the fds this opened."""
    held: list[int] = []
    for _ in range(len(wanted) + 1):
        free = [fd for fd in wanted if not _is_open(fd)]
        if not free:
            break
        held.append(os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC))
    return held


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


class Browser:
    """One headless Chromium with one tab; use as a context manager."""

    def __init__(self, executable: str, profile: Path, width: int = 1280, height: int = 1600):
        self.executable = executable
        self.profile = profile
        self.size = (width, height)
        self._next_id = 0
        self._buffer = b""
        self._load: PageLoad | None = None

    def __enter__(self) -> Browser:
        self._log = (self.profile / "chromium.log").open("wb")
        self.process = self._start()
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=self.session)
        width, height = self.size
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=self.session,
        )
        return self

    def _start(self) -> subprocess.Popen[bytes]:
        """Start Chromium with our pipes on its fds 3 (commands in) and 4 (replies out).

        The child's ends are first moved to fds of 10 and up, so wiring them to 3 and 4 cannot
        overwrite one with the other, and fds 3 and 4 are held open here meanwhile, so nothing
        else of the launch (such as subprocess's own error pipe) lands on them. The wiring is
        done with ``close_fds=False`` rather than ``pass_fds=(3, 4)``: in the child, fds 3 and 4
        can already be closed when ``preexec_fn`` runs (seen with matplotlib's font files on
        them), and ``pass_fds`` then fails with EBADF. Every fd Python opens is close-on-exec,
        so nothing else reaches Chromium.
        """
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_chrome_r, from_chrome_w)]
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        held = _hold_fds(3, 4)

        def wire() -> None:  # in the child, right before exec: only two dup2 calls
            os.dup2(ends[0], 3)
            os.dup2(ends[1], 4)

        try:
            return subprocess.Popen(
                [self.executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                close_fds=False,
                preexec_fn=wire,
            )
        finally:
            for fd in (*ends, *held):
                os.close(fd)

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.call("Browser.close", timeout=10)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        self._log.close()

    # -- protocol ----------------------------------------------------------------------------

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        """Send one command and return its result, recording the events that arrive meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            if self._load is not None:
                self._load.record(reply)

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the connection (crashed?)")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(raw))

    def _wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if self._load is not None:
                self._load.record(message)
            if message.get("method") == event:
                return

    # -- pages -------------------------------------------------------------------------------

    def open(self, path: Path) -> PageLoad:
        """Load a local file and wait for its load event; returns what went wrong, if anything."""
        self._load = PageLoad()
        self.call("Page.navigate", {"url": path.resolve().as_uri()}, session=self.session)
        self._wait_for("Page.loadEventFired")
        self.evaluate("1")  # a round trip: every event of the load has arrived after it
        return self._load

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression evaluated in the page by the test."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        """A PNG of the visible part of the page."""
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=self.session)
        return base64.b64decode(data["data"])
