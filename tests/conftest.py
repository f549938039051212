"""Shared fixtures: small engines built from inline plugins, never from the network."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from u4ssc.core import Engine

RESOURCES = Path(__file__).parent / "resources"
ROOT = RESOURCES.parents[1]
#: The batch benchmark, whose input generator and baseline some tests use.
BENCHMARK = ROOT / "benchmarks" / "batch.py"


def load_script(path: Path) -> ModuleType:
    """A script of the repository (a benchmark, a generator) imported as a module (registered
    in ``sys.modules``, as dataclasses need)."""
    spec = importlib.util.spec_from_file_location(f"u4ssc_script_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_benchmark() -> ModuleType:
    """``benchmarks/batch.py`` as a module (it is a script, not a package)."""
    return load_script(BENCHMARK)



def readme_picture(name: str) -> str:
    """Assert the README shows ``docs/images/NAME``, a PNG 1280 pixels wide as
    docs/make_screenshots.py makes it, and return the picture's alternative text."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    image = re.search(rf"!\[([^\]]+)\]\((docs/images/{re.escape(name)})\)", readme)
    assert image, f"the README shows docs/images/{name}"
    png = (ROOT / image[2]).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png[16:20], "big") == 1280  # the width, in the PNG header
    assert "python docs/make_screenshots.py" in readme
    return image[1]

@pytest.fixture
def key_look_ups(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Count the code comparisons (``canonical_key`` calls) of loading catalogues and indicator
    tables from here on; call the result for the count so far."""
    from u4ssc.core import catalogue, indicator_tables, model

    calls = 0

    def counted(text: str) -> str:
        nonlocal calls
        calls += 1
        return model.canonical_key(text)

    for module in (catalogue, indicator_tables):
        monkeypatch.setattr(module, "canonical_key", counted)
    return lambda: calls


@pytest.fixture
def build() -> Callable[..., Engine]:
    """Build an engine from named inline plugins only (no installed entry points)."""

    def make(**plugins: object) -> Engine:
        return Engine.load(plugins=list(plugins.items()), entry_points=False)

    return make


@pytest.fixture(scope="session")
def official() -> Engine:
    """The engine of the installed built-in plugins (the full U4SSC catalogue)."""
    return Engine.load()


@pytest.fixture
def toy_engine(build: Callable[..., Engine]) -> Engine:
    """An engine with only the toy plugin of tests/resources/toy.py."""
    import toy

    return build(toy=toy)


@pytest.fixture(autouse=True)
def _no_plugin_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own plugin environment variables."""
    monkeypatch.delenv("U4SSC_PLUGINS_DIR", raising=False)
    monkeypatch.delenv("U4SSC_BLOCK_PLUGINS", raising=False)


@pytest.fixture(scope="session")
def toy_engine_cls() -> Engine:
    """The toy engine, shared by a whole session (for property tests, which reuse fixtures)."""
    import toy

    return Engine.load(plugins=[("toy", toy)], entry_points=False)


@dataclass(frozen=True)
class Run:
    """What a user saw: the exit code, standard output and standard error."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


def assert_told(run: Run, exit_code: int, *words: str) -> None:
    """Assert the exit code and that the output names every one of ``words`` (case-insensitive)."""
    assert run.exit_code == exit_code, run.text
    lowered = run.text.lower()
    missing: Sequence[str] = [w for w in words if w.lower() not in lowered]
    assert not missing, f"output does not mention {missing}:\n{run.text}"
