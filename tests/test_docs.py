"""The README tells the truth about the bundled data: its numbers, its console examples, its pictures."""

from __future__ import annotations

import importlib.util
import re

import pytest

from kursk_map import load_dataset

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", REPO / "docs" / "make_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundled():
    return load_dataset(REPO / "geodata")


def test_readme_numbers_match_the_bundled_data(bundled) -> None:
    text = " ".join(README.split())
    m = re.search(
        r"([\d,]+) claims from (\d+) sources and ([\d,]+) settlements: [^(]*\(([\d,]+) placed; ([\d,]+) known by "
        r"name only\)\. (\d+) claims \(([\d.]+) %\) name a settlement no reference places",
        text,
    )
    assert m, "the README's summary of the bundled data has changed shape; update this test with it"
    g, c = bundled.gazetteer, bundled.ledger.claims
    unplaced = len(bundled.ledger.unplaced)
    expected = [len(c), len(bundled.sources), len(g), int(g.geometry.notna().sum()), int(g.geometry.isna().sum())]
    assert [int(x.replace(",", "")) for x in m.groups()[:5]] == expected
    assert int(m.group(6)) == unplaced and float(m.group(7)) == round(100 * unplaced / len(c), 1)


def test_readme_console_examples_are_what_the_commands_print() -> None:
    """`make docs` writes them; a stale one (the figures example of issue #16) fails here."""
    fresh, changed = _make_docs().refresh(README)
    assert changed == [], "run `make docs`: " + "; ".join(changed)
    assert fresh == README


def test_readme_pictures_exist() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert len(pictures) >= 3
    assert all((REPO / p).is_file() for p in pictures), pictures


def test_docs_examples_never_run_a_command_that_writes(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "```console\n$ kursk-map extract docs/examples/article.html --out proposals.csv\nwhat it said\n```"
    fresh, changed = _make_docs().refresh(text)
    assert (fresh, changed) == (text, [])
    assert not (tmp_path / "proposals.csv").exists() and not (REPO / "proposals.csv").exists()


def test_docs_examples_understand_only_simple_pipes() -> None:
    with pytest.raises(ValueError, match=r"only \| grep -E, \| head -N and \| tail -N"):
        _make_docs().run("kursk-map claims | sort")
