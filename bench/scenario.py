"""A deterministic synthetic scenario: settlements, sources and daily claims moving a front line.

The output is a data directory in the format of ``geodata/`` (``settlements.csv``, ``sources.csv``,
``claims/<source>.csv``, ``border.geojson``, ``countries.geojson``), so every peer reads the same files.

The region is a lat/lon box east of Kharkiv. A de jure border runs north-south near its eastern edge
(Ukraine west of it, Russia east of it). A front line oscillates east-west over the days; each source
sees it with its own bias (sources of one side place it further into the other side's ground) and
every day claims the settlements its front has just passed (``control``), those on it (``presence``,
contested), weekly area and count figures, and now and then a ``relative`` advance or a ``denial``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import random
import shutil
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kursk_map.names import Resolver, transliterate

#: Lat/lon box of the synthetic region (inside the range the gazetteer loader accepts).
LAT0, LAT1 = 47.6, 50.4
LON0, LON1 = 35.0, 39.0
START = dt.date(2024, 1, 1)


def _words(text: str) -> list[str]:
    return text.split()


_ROOTS_HARD = tuple(
    _words(
        "Александров Михайлов Иванов Петров Покров Богданов Степанов Соснов Березов Ольхов Липов Дубов Каменск "
        "Зеленов Веселов Глухов Сухов Краснов Белов Чернов Троицк Успенск Васильев Григорьев Дмитриев Федоров "
        "Андреев Николаев Сергеев Павлов Семенов Тимофеев Ковалев Кузнецов Орлов Соколов Лебедев Медведев "
        "Воронов Журавлев Гусев Козлов Волков Лисичанск Ясенов Калинов Малинов Вишнев Грушев Яблонов Ореховск "
        "Рудн Луган Донецк Сумск Курск Острогожск Старобельск Новоселов Городищенск Мирополь Добропольск"
    )
)
_SUFFIXES = ("ка", "о", "ское", "ичи", "цы", "ое", "ский Хутор", "ская Балка")
_PREFIXES = ("", "", "", "", "Малая ", "Большая ", "Новая ", "Старая ", "Верхняя ", "Нижняя ")
_UK = str.maketrans({"и": "і", "ы": "и", "э": "е", "ё": "ьо", "И": "І", "Ы": "И", "Э": "Е"})

#: (slug, name, side, kind, bias in degrees of longitude: positive = front seen further east).
SOURCES: tuple[tuple[str, str, str, str, float], ...] = (
    ("ru-mod", "Russian Ministry of Defence", "RU", "official", -0.08),
    ("ua-general-staff", "General Staff of the Armed Forces of Ukraine", "UA", "official", 0.06),
    ("deepstate", "DeepState", "independent", "osint-map", 0.02),
    ("isw", "Institute for the Study of War", "independent", "analyst", 0.0),
    ("ru-military-bloggers", "Russian military bloggers", "RU", "blogger", -0.12),
    ("ua-president", "President of Ukraine", "UA", "official", 0.08),
    ("reuters", "Reuters", "independent", "media", -0.01),
    ("kyiv-independent", "The Kyiv Independent", "independent", "media", 0.03),
    ("ru-president", "President of Russia", "RU", "official", -0.1),
    ("regional-authorities", "Regional administration", "RU", "official", -0.05),
    ("ua-brigade", "A Ukrainian brigade's channel", "UA", "blogger", 0.1),
    ("osint-collective", "An open-source collective", "independent", "osint-map", 0.01),
)


@dataclass(frozen=True)
class Size:
    """How big a scenario is."""

    name: str
    settlements: int
    sources: int
    days: int
    seed: int = 20240806

    @property
    def claims_per_source_day(self) -> int:
        """Settlement claims each source makes per day (about 200,000 claims for the medium size)."""
        return max(8, round(self.settlements / 120))


SIZES = {
    "small": Size("small", 1_000, 4, 30),
    "medium": Size("medium", 10_000, 12, 365),
}


def _names(rng: random.Random) -> tuple[str, str]:
    root = rng.choice(_ROOTS_HARD)
    suffix = rng.choice(_SUFFIXES)
    prefix = rng.choice(_PREFIXES) if suffix in ("ка", "ская Балка") else ""
    if prefix and suffix == "ская Балка":
        prefix = ""
    if root.endswith("ск") and suffix.startswith("ск"):
        suffix = suffix[2:]
    ru = f"{prefix}{root}{suffix}"
    if suffix == "о" and not prefix and rng.random() < 0.3:
        ru = f"Новое {root}о"
    return ru, transliterate(ru, "bgn")


def _border_lon(lat: np.ndarray | float) -> np.ndarray | float:
    return 38.55 + 0.18 * np.sin((np.asarray(lat) - LAT0) * 2.1)


def _front_lon(lat: np.ndarray, day: int, days: int) -> np.ndarray:
    """Where the front is on ``day``: it moves east and west over the period and bends with latitude."""
    phase = 2 * math.pi * day / max(days, 2)
    return 37.2 + 0.45 * math.sin(phase) + 0.25 * math.sin(phase * 3 + 1.0) + 0.15 * np.sin((lat - LAT0) * 3.0 + phase)


def _oblast(lat: float, country: str) -> str:
    if country == "RU":
        return "Belgorod" if lat > 49.2 else "Voronezh" if lat > 48.4 else "Rostov"
    return "Kharkiv" if lat > 49.2 else "Luhansk" if lat > 48.4 else "Donetsk"


def _settlements(size: Size, rng: random.Random, nprng: np.random.Generator) -> list[dict[str, Any]]:
    lat = nprng.uniform(LAT0, LAT1, size.settlements)
    lon = nprng.uniform(LON0, LON1, size.settlements)
    # raions: a grid of 0.35 x 0.5 degree cells, each named after a settlement in it
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for i in range(size.settlements):
        country = "UA" if lon[i] < _border_lon(float(lat[i])) else "RU"
        oblast = _oblast(float(lat[i]), country)
        cell = (int((lat[i] - LAT0) / 0.35), int((lon[i] - LON0) / 0.5))
        raion_rng = random.Random(f"{cell}-{size.seed}")  # noqa: S311 - not for security
        raion = transliterate(raion_rng.choice(_ROOTS_HARD), "bgn") + "sky"
        for _ in range(50):
            ru, en = _names(rng)
            if (en, raion) not in seen:
                break
        seen.add((en, raion))
        alts = []
        if rng.random() < 0.15:
            alts.append(transliterate(ru, "german"))
        if rng.random() < 0.05:
            alts.append(transliterate(ru, "french"))
        rows.append(
            {
                "id": str(9_000_000 + i),
                "name": en,
                "name_ru": ru,
                "name_uk": ru.translate(_UK) if country == "UA" else "",
                "alt_names": "|".join(a for a in dict.fromkeys(alts) if a != en),
                "lat": f"{lat[i]:.5f}",
                "lon": f"{lon[i]:.5f}",
                "country": country,
                "oblast": oblast,
                "raion": raion,
                "population": int(nprng.lognormal(6.0, 1.2)),
                "ref": f"https://example.org/synthetic-gazetteer/{9_000_000 + i}",
                "precision_m": 1000,
                "method": "geonames",
                "note": "",
            }
        )
    return rows


def _spellings(rows: list[dict[str, Any]], rng: random.Random) -> list[str]:
    """How claims write each settlement: a spelling that resolves to it alone (raion added if needed)."""
    resolver = Resolver(_frame(rows))
    out = []
    for r in rows:
        options = [r["name"]] * 7 + [r["name_ru"]] * 2 + ([a for a in r["alt_names"].split("|") if a] or [r["name"]])
        written = rng.choice(options)
        res = resolver.resolve(written)
        if res.status != "match" or res.best is None or res.best.id != r["id"]:
            written = f"{r['name']} ({r['raion']})"
            res = resolver.resolve(r["name"], raion=r["raion"])
            if res.status != "match" or res.best is None or res.best.id != r["id"]:
                written = ""  # never claimed: a namesake the raion does not tell apart
        out.append(written)
    return out


def _frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd  # noqa: PLC0415 - only the resolver check needs a frame

    df = pd.DataFrame(rows)
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    return df


def _claims(
    size: Size, rows: list[dict[str, Any]], written: list[str], rng: random.Random
) -> dict[str, list[dict[str, Any]]]:
    lat = np.array([float(r["lat"]) for r in rows])
    lon = np.array([float(r["lon"]) for r in rows])
    ua = np.array([r["country"] == "UA" for r in rows])
    claimable = np.array([bool(w) for w in written]) & ua
    out: dict[str, list[dict[str, Any]]] = {}
    k = size.claims_per_source_day
    for slug, _name, side, _kind, bias in SOURCES[: size.sources]:
        srng = np.random.default_rng(zlib.crc32(slug.encode()) ^ size.seed)
        claims: list[dict[str, Any]] = []
        last: dict[int, str] = {}
        for day in range(size.days):
            date = START + dt.timedelta(days=day)
            today: list[tuple[str, str, str, str, dict[str, str]]] = []

            def add(kind: str, settlement: str, controller: str, summary: str, **extra: str) -> None:
                today.append((kind, settlement, controller, summary, extra))  # noqa: B023 - used at once

            if day == 0 and side == "RU":
                add("region", "Belgorod Oblast", "RU", "Says the whole of Belgorod Oblast remains under its control.")
            front = _front_lon(lat, day, size.days) + bias + srng.normal(0, 0.01)
            dist = np.abs(lon - front)
            # the k claimable settlements nearest to this source's front, with some noise in the pick
            score = np.where(claimable, dist + srng.exponential(0.03, lat.size), np.inf)
            for pick in np.argsort(score, kind="stable")[:k]:
                i = int(pick)
                if dist[i] < 0.02:
                    ctrl, kind = "contested", "presence"
                else:
                    ctrl, kind = ("UA" if lon[i] < front[i] else "RU"), "control"
                if last.get(i) == ctrl and rng.random() < 0.7:
                    continue
                last[i] = ctrl
                name = rows[i]["name"]
                verb = "reports fighting in" if ctrl == "contested" else f"says {ctrl} forces hold"
                add(kind, written[i], ctrl, f"The source {verb} {name} (synthetic claim).")
            if day % 7 == 6:
                held = sum(1 for c in last.values() if c == ("RU" if side == "RU" else "UA"))
                ctrl = "RU" if side == "RU" else "UA"
                area = f"{30 + held * 2.5:.0f}"
                add("area", "", ctrl, f"Gives the ground held by {ctrl} as {area} km2.", value=area, unit="km2")
                add(
                    "count",
                    "",
                    ctrl,
                    f"Counts {held} settlements held by {ctrl}.",
                    value=str(max(held, 1)),
                    unit="settlements",
                )
            if day % 10 == 3 and last:
                i = next(iter(last))
                add(
                    "relative",
                    written[i],
                    "RU" if side == "RU" else "UA",
                    f"Reports an advance of up to 3 km from {rows[i]['name']}.",
                    value="3",
                    unit="km",
                    bearing_deg="270" if side == "RU" else "90",
                )
            target = next((c for c in reversed(claims) if c["kind"] == "control"), None)
            if day % 30 == 15 and target is not None:
                add("denial", target["settlement"], "", "Rejects its own earlier report.", denies=target["claim_id"])
            claims.extend(_numbered(slug, date, today))
        out[slug] = claims
    return out


def _numbered(slug: str, date: dt.date, today: list[tuple[str, str, str, str, dict[str, str]]]) -> list[dict[str, Any]]:
    stamp = date.strftime("%Y%m%d")
    return [
        {
            "claim_id": f"{slug}-{stamp}-{n:03d}",
            "date": date.isoformat(),
            "source": slug,
            "kind": kind,
            "settlement": settlement,
            "controller": controller,
            "summary": summary,
            "url": f"https://example.org/{slug}/{date.isoformat()}/{n}",
            **extra,
        }
        for n, (kind, settlement, controller, summary, extra) in enumerate(today, start=1)
    ]


def _polygon(lons: list[float], lats: list[float]) -> list[list[list[float]]]:
    ring = [[round(x, 5), round(y, 5)] for x, y in zip(lons, lats, strict=True)]
    return [[*ring, ring[0]]]


def _geojson(path: Path, features: list[dict[str, Any]]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}) + "\n", encoding="utf-8")


def _write_layers(root: Path) -> None:
    lats = [LAT0 - 0.5 + i * (LAT1 - LAT0 + 1.0) / 40 for i in range(41)]
    border = [float(_border_lon(y)) for y in lats]
    west, east = LON0 - 1.0, LON1 + 1.0
    ua = _polygon([west, *border, west], [lats[0], *lats, lats[-1]])
    ru = _polygon([east, *border, east], [lats[0], *lats, lats[-1]])
    line = {
        "type": "LineString",
        "coordinates": [[round(x, 5), round(y, 5)] for x, y in zip(border, lats, strict=True)],
    }
    _geojson(
        root / "border.geojson",
        [{"type": "Feature", "properties": {"name": "synthetic border"}, "geometry": line}],
    )
    _geojson(
        root / "countries.geojson",
        [
            {"type": "Feature", "properties": {"country": "UA"}, "geometry": {"type": "Polygon", "coordinates": ua}},
            {"type": "Feature", "properties": {"country": "RU"}, "geometry": {"type": "Polygon", "coordinates": ru}},
        ],
    )


_SETTLEMENT_COLS = _words(
    "id name name_ru name_uk alt_names lat lon country oblast raion population ref precision_m method note"
)
_CLAIM_COLS = _words("claim_id date source kind settlement controller value unit bearing_deg denies summary url note")


def _write_csv(path: Path, cols: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


def fingerprint(size: Size) -> str:
    """A hash of the size and of this generator's code: a cached directory is reused only if both match."""
    code = Path(__file__).read_bytes()
    return hashlib.sha256(json.dumps(asdict(size), sort_keys=True).encode() + code).hexdigest()[:16]


def generate(size: Size, root: str | Path, *, force: bool = False) -> dict[str, Any]:
    """Write the scenario of ``size`` into ``root`` (reused when already there); return a summary."""
    base = Path(root)
    stamp = base / "SCENARIO.json"
    key = fingerprint(size)
    if not force and stamp.exists():
        info: dict[str, Any] = json.loads(stamp.read_text(encoding="utf-8"))
        if info.get("fingerprint") == key:
            return info
    if base.exists():
        shutil.rmtree(base)
    (base / "claims").mkdir(parents=True)
    rng = random.Random(size.seed)  # noqa: S311 - a reproducible scenario, not security
    nprng = np.random.default_rng(size.seed)
    rows = _settlements(size, rng, nprng)
    written = _spellings(rows, rng)
    claims = _claims(size, rows, written, rng)
    _write_csv(base / "settlements.csv", _SETTLEMENT_COLS, rows)
    _write_csv(
        base / "sources.csv",
        ["slug", "name", "side", "kind", "url"],
        [
            {"slug": s, "name": n, "side": side, "kind": k, "url": f"https://example.org/{s}"}
            for s, n, side, k, _ in SOURCES[: size.sources]
        ],
    )
    for slug, rows_ in claims.items():
        _write_csv(base / "claims" / f"{slug}.csv", _CLAIM_COLS, rows_)
    _write_layers(base)
    info = {
        "fingerprint": key,
        "size": asdict(size),
        "settlements": len(rows),
        "sources": len(claims),
        "days": size.days,
        "claims": sum(len(c) for c in claims.values()),
        "never_claimed_namesakes": sum(1 for w in written if not w),
    }
    stamp.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info
