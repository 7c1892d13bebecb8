"""``make docs``: the README's screenshots and console examples, made again from the bundled build.

    python docs/make_docs.py --atlas atlas          # screenshots of the built atlas + README examples
    python docs/make_docs.py --check                # exit 1 if a README example is out of date

Screenshots are taken in headless Chromium with no network (base tiles blank), at 1280 x 800: the
explorer (``docs/explore-ru-mod-2025-03-15.png``), a map page (``docs/map-ru-mod-2025-03-15.png``)
and a comparison page (``docs/compare-2025-03-15.png``); the static export is drawn by
``kursk-map export`` (``docs/export-deepstate-2025-05-21.png``). Console examples are the fenced ``console``
blocks of README.md: each ``$ kursk-map ...`` line of a command that only reads (:data:`READ_ONLY`)
the bundled data (no ``--data`` but ``geodata``) is run, with its ``| grep -E``, ``| head`` or
``| tail``, and the lines below it are replaced by what it prints (tabs as two spaces, lines longer than
:data:`WIDTH` wrapped at spaces). The summary of the bundled data ("390 claims from 23 sources and
1,094 settlements ...") is counted again.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
WIDTH = 118  # characters of an example's line in the README; longer ones are wrapped at spaces
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
SHOTS = {
    "explore-ru-mod-2025-03-15.png": "explore.html#source=ru-mod&date=2025-03-15&zoom=10&center=51.2300,35.1900"
    "&place=486816",
    "map-ru-mod-2025-03-15.png": "ru-mod/2025-03-15.html",
    "compare-2025-03-15.png": "compare/2025-03-15.html",
}


#: The commands that only read (an example that writes a file, such as ``extract --out``, is left as it is).
READ_ONLY = ("resolve", "state", "diff", "figures", "claims", "validate")


def _runnable(argv: list[str]) -> bool:
    if len(argv) < 2 or argv[0] != "kursk-map" or argv[1] not in READ_ONLY or "--out" in argv:
        return False
    return "--data" not in argv or argv[argv.index("--data") + 1] == "geodata"


def run(command: str) -> list[str]:
    """What ``command`` (a README line without its ``$``) prints, stdout then stderr, tabs as two spaces."""
    from kursk_map.cli import main  # noqa: PLC0415 - the package is installed by `make docs`

    stages = [shlex.split(part) for part in command.split(" | ")]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(REPO), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(stages[0][1:])
    lines = (out.getvalue() + err.getvalue()).splitlines()
    for stage in stages[1:]:
        if stage[:2] == ["grep", "-E"]:
            lines = [line for line in lines if re.search(stage[2], line)]
        elif stage[0] in ("head", "tail") and len(stage) == 2 and stage[1].startswith("-"):
            n = int(stage[1][1:])
            lines = lines[:n] if stage[0] == "head" else lines[-n:]
        else:
            raise ValueError(f"README example {command!r}: only | grep -E, | head -N and | tail -N are understood")
    out: list[str] = []
    for line in (line.replace("\t", "  ").rstrip() for line in lines):  # long lines wrapped, as a reader sees them
        out += (
            textwrap.wrap(line, WIDTH, break_long_words=False, break_on_hyphens=False) if len(line) > WIDTH else [line]
        )
    return out


def refresh(text: str) -> tuple[str, list[str]]:
    """README text with every runnable example's output made again, and the commands whose output changed."""
    changed: list[str] = []

    def block(m: re.Match[str]) -> str:
        out: list[str] = []
        lines = m.group(1).splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            out.append(line)
            i += 1
            if not line.startswith("$ "):
                continue
            j = i
            while j < len(lines) and not lines[j].startswith("$ "):
                j += 1
            if _runnable(shlex.split(line[2:].split(" | ")[0])):
                fresh = run(line[2:])
                if fresh != lines[i:j]:
                    changed.append(f"the output of `{line[2:]}`")
                out.extend(fresh)
            else:
                out.extend(lines[i:j])
            i = j
        return "```console\n" + "\n".join(out) + "\n```"

    return BLOCK.sub(block, text), changed


SUMMARY = re.compile(
    r"(?P<claims>[\d,]+) claims from (?P<sources>\d+) sources and (?P<settlements>[\d,]+) settlements:[^(]*"
    r"\((?P<placed>[\d,]+) placed; (?P<unplaced>[\d,]+) known by\s+name only\)\.\s+(?P<unplaced_claims>[\d,]+)"
    r"\s+claims\s+\((?P<share>[\d.]+) %\) name"
)


def numbers(text: str) -> tuple[str, list[str]]:
    """README text with the bundled data's numbers (its summary) made again."""
    from kursk_map import load_dataset  # noqa: PLC0415

    ds = load_dataset(REPO / "geodata")
    g, c, unplaced = ds.gazetteer, ds.ledger.claims, len(ds.ledger.unplaced)
    values = {
        "claims": f"{len(c):,}",
        "sources": str(len(ds.sources)),
        "settlements": f"{len(g):,}",
        "placed": f"{int(g.geometry.notna().sum()):,}",
        "unplaced": f"{int(g.geometry.isna().sum()):,}",
        "unplaced_claims": f"{unplaced:,}",
        "share": f"{100 * unplaced / len(c):.1f}",
    }
    changed: list[str] = []

    def summary(m: re.Match[str]) -> str:
        out, end = [], m.start()
        for name, value in values.items():
            out += [m.string[end : m.start(name)], value]
            end = m.end(name)
            if m.group(name) != value:
                changed.append(f"{name}: {m.group(name)} -> {value}")
        return "".join(out) + m.string[end : m.end()]

    if not SUMMARY.search(text):
        changed.append("the summary of the bundled data (its wording changed: update SUMMARY in docs/make_docs.py)")
    return SUMMARY.sub(summary, text), changed


def screenshots(atlas: Path, docs: Path) -> None:
    """Screenshots of the atlas pages in :data:`SHOTS` (headless Chromium, no network)."""
    sys.path.insert(0, str(REPO))
    from tests.browser_support import browser_page  # noqa: PLC0415

    atlas = atlas.absolute()
    for name, page in SHOTS.items():
        with browser_page(1280, 800) as (p, errors, _blocked):
            p.goto((atlas / page.split("#")[0]).as_uri() + ("#" + page.split("#")[1] if "#" in page else ""))
            if page.startswith("explore"):
                p.wait_for_function("() => document.body.getAttribute('data-km-ready') === '1'")
                p.wait_for_function("() => window.kmExplore.state().sel !== null")
            p.wait_for_timeout(600)
            p.screenshot(path=str(docs / name))
            if errors:
                raise RuntimeError(f"{page}: {errors}")
        print(f"wrote {docs / name}")


def main(argv: list[str] | None = None) -> int:
    """Refresh the README's examples (or check them) and, with ``--atlas``, its screenshots."""
    ap = argparse.ArgumentParser(prog="python docs/make_docs.py", description=__doc__)
    ap.add_argument("--atlas", type=Path, help="a built atlas to take the screenshots from")
    ap.add_argument("--check", action="store_true", help="only say which README examples are out of date")
    args = ap.parse_args(argv)
    text, changed = refresh(README.read_text(encoding="utf-8"))
    text, figures = numbers(text)
    changed += [f"the numbers of the bundled data ({f})" for f in figures]
    if args.check:
        for c in changed:
            print(f"README.md: {c} is out of date; run `make docs`")
        return 1 if changed else 0
    if changed:
        README.write_text(text, encoding="utf-8")
    print(f"README.md: {len(changed)} out-of-date part(s) made again")
    if args.atlas:
        from kursk_map.cli import main as cli  # noqa: PLC0415

        # --force: the README's picture is ours to replace (one made before the tool marked its PNGs)
        code = cli(["export", "--source", "deepstate", "--date", "2025-05-21", "--size", "16x9", "--force",
                    "--out", str(REPO / "docs" / "export-deepstate-2025-05-21.png")])  # fmt: skip
        screenshots(args.atlas, REPO / "docs")
        return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
