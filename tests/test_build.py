from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kursk_map import DataError, UnplacedClaimsError
from kursk_map.build import build_atlas, swap_in

from .conftest import RU_CLAIMS, TODAY, write_dataset


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_build_writes_maps_index_manifest(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "atlas"
    manifest = build_atlas(data_dir, out, today=TODAY, images=False)
    files = set(_digest(out))
    assert {
        "index.html",
        "manifest.json",
        "ru-mod/2025-03-13.html",
        "ru-mod/2025-03-15.html",
        "ru-mod/2025-04-26.html",
        "ua-gs/2024-08-14.html",
        "ua-gs/2025-05-21.html",
    } <= files
    assert len(manifest["maps"]) == 3 + 4
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps({k: v for k, v in manifest.items() if k != "reused"}))
    m = {(e["source"], e["date"]): e for e in on_disk["maps"]}
    assert m[("ru-mod", "2025-03-15")]["counts"] == {"UA": 0, "RU": 2, "contested": 0, "baseline": 4}
    assert [f["claim_id"] for f in m[("ua-gs", "2024-08-14")]["figures"]] == ["ua-2"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(e["path"] in index for e in on_disk["maps"])


def test_rebuild_is_byte_identical(data_dir: Path, tmp_path: Path) -> None:
    # pages and data; the images are compared by the subprocess test below and test_export
    build_atlas(data_dir, tmp_path / "a", today=TODAY, images=False)
    build_atlas(data_dir, tmp_path / "b", today=TODAY, images=False)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


@pytest.mark.subprocess
def test_byte_identical_across_hash_seeds(data_dir: Path, tmp_path: Path) -> None:
    code = (
        "import sys, datetime; from kursk_map.build import build_atlas; "
        "build_atlas(sys.argv[1], sys.argv[2], today=datetime.date(2026, 1, 1))"
    )
    for seed, name in (("1", "x"), ("2", "y")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(data_dir), str(tmp_path / name)], check=True, env=env)
    assert _digest(tmp_path / "x") == _digest(tmp_path / "y")


def test_failed_build_keeps_previous_atlas(data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "atlas"
    build_atlas(data_dir, out, today=TODAY, images=False)
    before = _digest(out)
    import kursk_map.build.kinds as b

    def boom(*_a, **_k):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(b, "render_index", boom)
    with pytest.raises(RuntimeError, match="interrupted"):
        build_atlas(data_dir, out, today=TODAY, images=False)
    assert _digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".atlas")] == []


def test_invalid_data_writes_nothing(tmp_path: Path) -> None:
    data = write_dataset(
        tmp_path / "d", ru=RU_CLAIMS + "ru-9,2025-03-20,ru-mod,control,Sudzhaa Town,RU,,,,,x,https://e.org/x,\n"
    )
    with pytest.raises(DataError, match=r"ru-mod\.csv:5: settlement: unknown settlement 'Sudzhaa Town'"):
        build_atlas(data, tmp_path / "atlas", today=TODAY)
    assert not (tmp_path / "atlas").exists()


def test_keep_going_lists_unplaced(tmp_path: Path) -> None:
    data = write_dataset(
        tmp_path / "d", ru=RU_CLAIMS + "ru-9,2025-03-20,ru-mod,control,Atlantis,RU,,,,,x,https://e.org/x,\n"
    )
    manifest = build_atlas(data, tmp_path / "atlas", keep_going=True, today=TODAY, images=False)
    (u,) = manifest["unplaced"]
    assert u["claim_id"] == "ru-9" and u["where"].endswith("ru-mod.csv:5")
    entry = next(e for e in manifest["maps"] if e["source"] == "ru-mod" and e["date"] == "2025-04-26")
    assert entry["unplaced"] == ["ru-9"]
    page = (tmp_path / "atlas" / "ru-mod" / "2025-04-26.html").read_text(encoding="utf-8")
    assert "Unplaced claims (1)" in page and "Atlantis" in page
    with pytest.raises(UnplacedClaimsError, match="claim is unplaced"):
        build_atlas(data, tmp_path / "atlas2", keep_going=True, strict=True, today=TODAY)


def test_swap_in_replaces_directory(tmp_path: Path) -> None:
    old, new = tmp_path / "atlas", tmp_path / "new"
    old.mkdir()
    (old / "a.txt").write_text("old")
    (old / "manifest.json").write_text('{"generator": "kursk_map 0.1.0"}')  # only an atlas is replaced
    new.mkdir()
    (new / "b.txt").write_text("new")
    swap_in(new, old)
    assert sorted(p.name for p in old.iterdir()) == ["b.txt"]
    assert not new.exists()


def test_every_map_has_its_image_data_and_embed_snippet(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "atlas"
    manifest = build_atlas(data_dir, out, today=TODAY, images="all")
    index = (out / "index.html").read_text(encoding="utf-8")
    for e in manifest["maps"]:
        png = (out / e["image"]).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        fc = json.loads((out / e["data"]).read_text(encoding="utf-8"))
        claimed = {f["properties"]["id"]: f["properties"]["controller"] for f in fc["features"]}
        assert sum(1 for f in fc["features"] if f["properties"]["basis"] != "baseline") == sum(
            v for k, v in e["counts"].items() if k != "baseline"
        )
        assert len(claimed) == sum(e["counts"].values())
        page = (out / e["path"]).read_text(encoding="utf-8")
        day = e["date"]
        for href in (f"{day}.png", f"{day}.geojson", "timeline.html", f"../compare/{day}.html"):
            assert f"href=\\u0027{href}\\u0027" in page, href  # the panel's HTML sits in a JSON string
        assert f"https://YOUR-SITE/atlas/{e['path']}" in page
        assert f"href='{e['path']}'" in index  # its image and data are linked from the page itself
    sudzha = json.loads((out / "ru-mod/2025-03-15.geojson").read_text(encoding="utf-8"))
    props = {f["properties"]["name"]: f["properties"] for f in sudzha["features"]}
    assert (props["Sudzha"]["controller"], props["Sudzha"]["basis"]) == ("RU", "claim")


def test_build_without_images(data_dir: Path, tmp_path: Path) -> None:
    manifest = build_atlas(data_dir, tmp_path / "atlas", today=TODAY, images=False)
    assert not [p for p in (tmp_path / "atlas").rglob("*.png") if "assets" not in p.parts]  # Leaflet's icons only
    assert all(e["image"] is None for e in manifest["maps"])
    page = (tmp_path / "atlas" / manifest["maps"][0]["path"]).read_text(encoding="utf-8")
    assert ".png'" not in page


def test_by_default_only_the_latest_map_of_each_source_has_an_image(tmp_path: Path) -> None:
    """An atlas with a map per day would spend its build on images: by default the latest map of each source."""
    data = write_dataset(tmp_path / "data")
    out = tmp_path / "atlas"
    manifest = build_atlas(data, out, today=TODAY)
    latest = {m["source"]: m["date"] for m in manifest["maps"]}  # the manifest lists them by source and date
    assert latest == {"ru-mod": "2025-04-26", "ua-gs": "2025-05-21"}
    with_image = {m["path"]: m["image"] for m in manifest["maps"] if m["image"]}
    assert with_image == {
        "ru-mod/2025-04-26.html": "ru-mod/2025-04-26.png",
        "ua-gs/2025-05-21.html": "ua-gs/2025-05-21.png",
    }
    assert _map_images(out) == sorted(with_image.values())
    assert "2025-04-26.png" in (out / "ru-mod/2025-04-26.html").read_text(encoding="utf-8")
    assert "2025-03-15.png" not in (out / "ru-mod/2025-03-15.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "ru-mod/2025-04-26.png" in index and "ru-mod/2025-03-15.png" not in index
    # a later claim: its map gets the image, the map that was the latest loses it (drawn again, no stale PNG)
    write_dataset(
        data,
        ru=RU_CLAIMS + "ru-9,2025-05-01,ru-mod,control,Gornal,RU,,,,,Says Gornal was taken.,https://example.org/ru9,\n",
    )
    again = build_atlas(data, out, today=TODAY)
    assert "ru-mod/2025-04-26.html" not in again["reused"]
    assert _map_images(out) == [
        "ru-mod/2025-05-01.png",
        "ua-gs/2025-05-21.png",
    ]
    assert "2025-04-26.png" not in (out / "ru-mod/2025-04-26.html").read_text(encoding="utf-8")


def _map_images(out: Path) -> list[str]:
    """The static images of an atlas's maps (not Leaflet's icons in assets/)."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*.png") if p.relative_to(out).parts[0] != "assets")


@pytest.mark.slow  # draws a PNG of every map: make test runs it, make test-fast leaves it out
def test_images_all_or_none_or_a_wrong_word(data_dir: Path, tmp_path: Path) -> None:
    every = build_atlas(data_dir, tmp_path / "all", today=TODAY, images="all")
    assert all(m["image"] for m in every["maps"]) and len(_map_images(tmp_path / "all")) == len(every["maps"])
    none = build_atlas(data_dir, tmp_path / "none", today=TODAY, images="none")
    assert not any(m["image"] for m in none["maps"]) and not _map_images(tmp_path / "none")
    with pytest.raises(ValueError, match="images must be one of all, latest, none, got 'some'"):
        build_atlas(data_dir, tmp_path / "x", today=TODAY, images="some")


def test_incremental_rebuild_renders_only_what_a_change_affects(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    out = tmp_path / "atlas"
    first = build_atlas(data, out, today=TODAY)
    assert first["reused"] == []
    again = build_atlas(data, out, today=TODAY)
    assert again["reused"] == sorted(m["path"] for m in first["maps"])  # nothing changed
    changed = RU_CLAIMS.replace("Says Zaoleshenka was taken.", "Says Zaoleshenka was taken after a week of fighting.")
    write_dataset(data, ru=changed)
    third = build_atlas(data, out, today=TODAY)
    rerendered = sorted(m["path"] for m in third["maps"] if m["path"] not in third["reused"])
    assert rerendered == ["ru-mod/2025-03-15.html", "ru-mod/2025-04-26.html"]  # the claim's date and later
    # the texts live in the source's shared claims script, which every build writes again
    assert "week of fighting" in (out / "ru-mod" / "claims.js").read_text(encoding="utf-8")
    assert '<script src="claims.js">' in (out / "ru-mod" / "2025-03-15.html").read_text(encoding="utf-8")
    # the incremental atlas is byte-identical to a fresh build of the changed data
    fresh = tmp_path / "fresh"
    build_atlas(data, fresh, today=TODAY, incremental=False)
    assert _digest(out) == _digest(fresh)


def test_a_claim_added_to_one_source_redraws_none_of_another_sources_maps(tmp_path: Path) -> None:
    """Keys hash each claim's content, not its row in the ledger: a row added to ru-mod.csv (read before
    ua-gs.csv) moves every ua-gs claim down the ledger but changes none of them."""
    data = write_dataset(tmp_path / "data")
    out = tmp_path / "atlas"
    first = build_atlas(data, out, today=TODAY, images=False)
    added = RU_CLAIMS.replace(
        "ru-3,", "ru-4,2025-03-14,ru-mod,control,Gornal,RU,,,,,Says Gornal was taken.,https://example.org/ru4,\nru-3,"
    )
    write_dataset(data, ru=added)
    second = build_atlas(data, out, today=TODAY, images=False)
    ua_maps = sorted(m["path"] for m in first["maps"] if m["source"] == "ua-gs")
    assert ua_maps and set(ua_maps) <= set(second["reused"])
    redrawn = sorted(m["path"] for m in second["maps"] if m["path"] not in second["reused"])
    # the new map, its neighbours (their next/previous links), and ru-mod's later maps (the claim is in them)
    assert redrawn == [f"ru-mod/{d}.html" for d in ("2025-03-13", "2025-03-14", "2025-03-15", "2025-04-26")]
    fresh = tmp_path / "fresh"
    build_atlas(data, fresh, today=TODAY, images=False, incremental=False)
    assert _digest(out) == _digest(fresh)


def test_template_syntax_in_a_claim_is_shown_not_run(tmp_path: Path) -> None:
    """branca re-reads rendered scripts as Jinja templates: '{{ ... }}' in a claim must stay text."""
    attack = "T1 {{ 7*7 }} {% for i in range(3) %}X{% endfor %} {{ cycler.__init__.__globals__ }} T2"
    ru = RU_CLAIMS.replace("Says Zaoleshenka was taken.", f'"{attack}"')
    out = tmp_path / "atlas"
    data = write_dataset(tmp_path / "data", ru=ru)
    build_atlas(data, out, today=TODAY, images=False)
    alone = tmp_path / "alone"
    build_atlas(data, alone, today=TODAY, images=False, self_contained=True)  # the map page embeds the texts
    pages = [
        out / "ru-mod" / "claims.js",
        out / "ru-mod" / "timeline.html",
        out / "compare" / "2025-03-15.html",
        alone / "ru-mod" / "2025-03-15.html",
    ]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        shown = re.search(r"T1 (.*?) T2", html)
        assert shown, page
        assert "49" not in shown.group(1) and "XXX" not in shown.group(1) and "os" not in shown.group(1), page
        assert "&#123;&#123; 7*7 &#125;&#125;" in shown.group(1).replace("\\u0026", "&"), page


def test_incremental_rebuild_reuses_unaffected_timelines_and_comparison_pages(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    out = tmp_path / "atlas"
    first = build_atlas(data, out, today=TODAY, images=False)
    # mark every keyed page of the first build (timelines, comparison pages, claims and explorer scripts): a page
    # carried forward keeps its mark
    marked = sorted(first["page_keys"])
    assert any(p.startswith("compare/") for p in marked) and any(p.endswith("timeline.html") for p in marked)
    for rel in marked:
        with (out / rel).open("a", encoding="utf-8") as fh:
            fh.write("<!-- from the first build -->")
    changed = RU_CLAIMS.replace("Says Zaoleshenka was taken.", "Says Zaoleshenka was taken after a week of fighting.")
    write_dataset(data, ru=changed)
    build_atlas(data, out, today=TODAY, images=False)
    kept = {rel for rel in marked if (out / rel).read_text(encoding="utf-8").endswith("<!-- from the first build -->")}
    # the changed claim (ru-mod, 2025-03-15, about Zaoleshenka) affects ru-mod's timeline, the comparison
    # pages from that date on and Zaoleshenka's page
    redrawn = sorted(set(marked) - kept)
    assert redrawn == sorted(
        [
            "explore/ru-mod.js",
            "ru-mod/claims.js",
            "ru-mod/timeline.html",
            "settlements/kmap.zaoleshenka-sudzhansky.html",
        ]
        + [p for p in marked if p.startswith("compare/") and p >= "compare/2025-03-15.html"]
    )
    assert "ua-gs/timeline.html" in kept and "ua-gs/claims.js" in kept and "explore/ua-gs.js" in kept
    assert "settlements/486816.html" in kept  # Sudzha's page shows no claim that changed


def test_a_new_page_kind_needs_only_the_registry(data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """A kind registered in KINDS is planned, keyed, drawn, kept by the next build and in the manifest."""
    from kursk_map.build import kinds

    class ClaimCount(kinds.PageKind):
        name = "claim-count"

        def plan(self, job):
            return [kinds.Page(self.name, f"{slug}/count.txt", source=slug) for slug, _ in job.sources]

        def keys(self, job, pages):
            return [f"{p.path}:{(job.ds.ledger.claims['source'] == p.source).sum()}" for p in pages]

        def render(self, job, pages, emit):
            for p in pages:
                emit(p.path, f"{(job.ds.ledger.claims['source'] == p.source).sum()} claims\n")
            return [{"source": p.source} for p in pages]

        def manifest(self, done):
            return {"claim_counts": sorted(d.page.path for d in done)}

    monkeypatch.setitem(kinds.KINDS, ClaimCount.name, ClaimCount())
    out = tmp_path / "atlas"
    first = build_atlas(data_dir, out, today=TODAY, images=False)
    assert (out / "ru-mod" / "count.txt").read_text(encoding="utf-8") == "3 claims\n"
    assert (out / "ua-gs" / "count.txt").read_text(encoding="utf-8") == "5 claims\n"
    assert first["claim_counts"] == ["ru-mod/count.txt", "ua-gs/count.txt"]
    assert first["page_keys"]["ru-mod/count.txt"] == "ru-mod/count.txt:3"
    (out / "ru-mod" / "count.txt").write_text("kept\n", encoding="utf-8")  # a page kept is not drawn again
    build_atlas(data_dir, out, today=TODAY, images=False)
    assert (out / "ru-mod" / "count.txt").read_text(encoding="utf-8") == "kept\n"
