"""Static images of one source's state on one date, drawn with matplotlib (imported only when drawing).

A title, a legend in the colours and labels of :mod:`kursk_map.render.style`, the border,
settlement dots per controller (hollow where the position is derived from a description), scale
bar, counts and attribution. Sized for A4 landscape or 16:9; the same input gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import pandas as pd

from .. import schemas
from .._errors import KurskMapError
from ..state import Ageing, group_counts
from ..theatre import DEFAULT_THEATRE, Theatre
from .style import BORDER_COLOUR, COLOURS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Image sizes: (width, height) in inches and the PNG resolution in dots per inch.
SIZES: Final = {
    "a4": (297 / 25.4, 210 / 25.4, 200),  # A4 landscape, 297 x 210 mm
    "16x9": (1920 / 144, 1080 / 144, 144),  # 1920 x 1080 pixels
}
#: What an image adds to the theatre's credits (``theatre.toml``: attribution).
ATTRIBUTION_TAIL: Final = "No basemap tiles · Made with kursk_map"
_INSTALL_HINT: Final = (
    "exporting an image needs matplotlib, which is not installed; "
    "install it with `pip install matplotlib` (or `pip install -e .` in a checkout), "
    "or export the data with --format geojson or gpkg"
)


@dataclass(frozen=True)
class ExportContext:
    """What one export shows: the source, the date, the state, the context layers and the theatre.

    ``ageing`` is the rule the state's ``stale`` and ``expired`` follow (the image fades stale claims
    and says how many there are).
    """

    source: dict[str, str]
    date: dt.date
    state: gpd.GeoDataFrame
    border: gpd.GeoDataFrame
    claims_to_date: int
    unplaced: int
    theatre: Theatre = DEFAULT_THEATRE
    ageing: Ageing = field(default_factory=Ageing)


def _matplotlib() -> Any:
    try:
        import matplotlib  # noqa: PLC0415 (optional dependency)
        import matplotlib.style  # noqa: PLC0415 (optional dependency)
    except ImportError:
        raise KurskMapError(_INSTALL_HINT) from None
    return matplotlib


def _local_crs(state: gpd.GeoDataFrame, theatre: Theatre) -> str:
    """A Lambert azimuthal equal-area projection centred on the settlements (else the theatre's bbox).

    A continental equal-area CRS (e.g. EPSG:3035, LAEA Europe, centred at 10°E) turns north by
    about 20° at 35°E; centred here, north is up and the scale bar is true at the centre.
    """
    return Theatre(bbox=theatre.bbox).equal_area(tuple(state.total_bounds) if len(state) else None)


def _nice_length_km(width_m: float) -> float:
    """A round scale-bar length close to a fifth of the map width.

    Examples
    --------
    >>> _nice_length_km(400_000), _nice_length_km(60_000), _nice_length_km(9_000)
    (50.0, 10.0, 1.0)
    """
    target = width_m / 5 / 1000
    step = 10 ** math.floor(math.log10(target))
    return float(max(m * step for m in (1, 2, 5) if m * step <= target))


def _title(ctx: ExportContext) -> tuple[str, str]:
    name = ctx.source["name"]
    title = f"{name}: claimed control of settlements, {ctx.date.isoformat()}"
    sub = (
        f"As claimed by {name} (latest claim about each settlement on or before {ctx.date.isoformat()}). "
        "Claims, not assessments."
    )
    return title, sub


def render_image(ctx: ExportContext, *, fmt: str = "png", size: str = "a4") -> bytes:
    """Draw the state as a static map and return the PNG or SVG bytes (deterministic).

    Raises
    ------
    KurskMapError
        When matplotlib is not installed (with how to install it).
    """
    if fmt not in ("png", "svg"):
        raise KurskMapError(f"an image is png or svg, not {fmt!r}")
    mpl = _matplotlib()
    width, height, dpi = SIZES[size]
    rc = {
        "svg.hashsalt": "kursk_map",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "path.simplify": False,
        # every text is shown as written: '$', '^' and '_' in a source's name never reach mathtext or TeX
        "text.parse_math": False,
        "text.usetex": False,
    }
    with mpl.style.context("default"), mpl.rc_context(rc):
        from matplotlib.figure import Figure  # noqa: PLC0415 (optional dependency)

        fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
        _draw(fig, ctx, width=width, height=height)
        buf = io.BytesIO()
        if fmt == "png":
            fig.savefig(
                buf, format="png", dpi=dpi, metadata={"Software": "kursk_map"}
            )  # marks the file as ours (kursk_map._fs)
        else:
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "kursk_map"})
    return buf.getvalue()


def _draw(fig: Figure, ctx: ExportContext, *, width: float, height: float) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415 (optional dependency)

    canvas: Any = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()  # to measure text while laying it out
    margin, panel, header, footer = 0.35, 3.4, 1.05, 0.5  # inches
    title, sub = _title(ctx)
    title_size = 15 if len(title) * 15 * 0.55 / 72 < width - 2 * margin else 12
    fig.text(margin / width, 1 - 0.42 / height, title, fontsize=title_size, fontweight="bold", va="baseline")
    fig.text(margin / width, 1 - 0.72 / height, sub, fontsize=9.5, color="#333333", va="baseline")
    map_w, map_h = width - 2 * margin - panel, height - header - footer
    ax = fig.add_axes((margin / width, footer / height, map_w / width, map_h / height))
    crs = _local_crs(ctx.state, ctx.theatre)
    st = ctx.state.to_crs(crs)
    border = ctx.border.to_crs(crs)
    claimed = st[st["basis"] != "baseline"]
    _set_extent(ax, claimed if len(claimed) else st, aspect=map_w / map_h)
    _draw_border(ax, border)
    _draw_settlements(ax, st)
    _label_claimed(ax, st, renderer)
    _draw_scale_bar(ax)
    left = (margin + map_w + 0.3) / width
    bottom = _draw_panel(fig, ctx, renderer, left=left, top=1 - header / height)
    _draw_locator(fig, ax, st, border, box=(left, footer / height, (panel - 0.3) / width, bottom - 0.3 / height))
    credits = f"{ctx.theatre.attribution} · {ATTRIBUTION_TAIL}"
    fig.text(margin / width, 0.2 / height, credits, fontsize=7, color="#555555", va="baseline")


def _set_extent(ax: Axes, st: gpd.GeoDataFrame, *, aspect: float, pad: float = 0.25, min_m: float = 60_000.0) -> None:
    """Frame ``st`` with a margin of ``pad`` of its size on each side, at least ``min_m`` across."""
    if len(st):
        x0, y0, x1, y1 = (float(v) for v in st.total_bounds)
    else:
        x0, y0, x1, y1 = -50_000.0, -50_000.0, 50_000.0, 50_000.0
    w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
    w, h = max(w, min_m), max(h, min_m)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_autoscale_on(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#fbfbf8")
    for spine in ax.spines.values():
        spine.set_color("#999999")
        spine.set_linewidth(0.8)


def _draw_border(ax: Axes, border: gpd.GeoDataFrame) -> None:
    if len(border):
        border.plot(ax=ax, color=BORDER_COLOUR, linewidth=1.4, linestyle=(0, (6, 3)), alpha=0.8, zorder=2)
    ax.set_xlabel("")  # geopandas names the projected axes; the frame shows no coordinates
    ax.set_ylabel("")


def _draw_settlements(ax: Axes, st: gpd.GeoDataFrame) -> None:
    group = st[schemas.GROUP_COLUMN]
    derived = st["method"] == "derived"
    stale = _stale(st)
    for g in ("baseline", "contested", "RU", "UA"):  # claimed dots above the grey baseline ones
        rows = st[(group == g).to_numpy()].sort_values("id", kind="stable")
        if not len(rows):
            continue
        approx = derived.loc[rows.index].to_numpy()
        old = stale.loc[rows.index].to_numpy()
        size, z = (10.0, 3) if g == "baseline" else (34.0, 4)
        xs, ys = rows.geometry.x.to_numpy(), rows.geometry.y.to_numpy()
        colour = COLOURS[g]
        fresh = ~approx & ~old
        if fresh.any():
            ax.scatter(xs[fresh], ys[fresh], s=size, c=colour, edgecolors="white", linewidths=0.5, zorder=z)
        if (~approx & old).any():  # a stale claim: faded, with a grey outline (as on the HTML map)
            faded = ~approx & old
            ax.scatter(
                xs[faded], ys[faded], s=size, c=colour, alpha=0.35, edgecolors=_STALE_EDGE, linewidths=0.9, zorder=z
            )
        if approx.any():
            ax.scatter(
                xs[approx], ys[approx], s=size * 1.3, facecolors="none", edgecolors=colour, linewidths=1.3, zorder=z
            )


_STALE_EDGE: Final = "#8c8c8c"


def _stale(st: gpd.GeoDataFrame) -> pd.Series:
    """Which settlements' claims are stale and still coloured (a state without ages has none)."""
    if "stale" not in st:
        return pd.Series(False, index=st.index, dtype=bool)
    stale: pd.Series = st["stale"].astype(bool) & ~st["expired"].astype(bool)
    return stale


def _label_claimed(ax: Axes, st: gpd.GeoDataFrame, renderer: Any) -> None:
    """Name the settlements the source named, where the name fits without covering another.

    Settlements covered only by a region-wide claim stay unnamed. The newest claims are named
    first; a name that overlaps an earlier one in each of the tried positions is left out.
    """
    named = st[st["basis"] == "claim"].sort_values("id", kind="stable")
    named = named.sort_values("since", ascending=False, kind="stable")  # the newest claims first
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    inside = (named.geometry.x.between(x0, x1)) & (named.geometry.y.between(y0, y1))
    taken: list[Any] = []
    frame = ax.get_window_extent(renderer)
    for r in named[inside.to_numpy()].itertuples():
        for dx, dy, ha, va in _LABEL_SPOTS:
            t = ax.annotate(
                str(r.name),
                (r.geometry.x, r.geometry.y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=7,
                color="#222222",
                zorder=5,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7},
            )
            box = t.get_window_extent(renderer).expanded(1.05, 1.1)
            fits = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if fits and not any(box.overlaps(o) for o in taken):
                taken.append(box)
                break
            t.remove()


_LABEL_SPOTS: Final = (
    (5, 2, "left", "bottom"),
    (5, -2, "left", "top"),
    (-5, 2, "right", "bottom"),
    (-5, -2, "right", "top"),
    (0, 5, "center", "bottom"),
    (0, -5, "center", "top"),
)


def _draw_scale_bar(ax: Axes) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km = _nice_length_km(x1 - x0)
    length = km * 1000
    left, base = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.04
    bar_h = (y1 - y0) * 0.008
    for i, fill in enumerate(("#222222", "white")):
        ax.add_patch(
            _rectangle(
                (left + i * length / 2, base), length / 2, bar_h, facecolor=fill, edgecolor="#222222", linewidth=0.8
            )
        )
    label_y = base + bar_h * 1.8
    for x, text in ((left, "0"), (left + length / 2, f"{km / 2:g}"), (left + length, f"{km:g} km")):
        ax.text(x, label_y, text, ha="center", va="bottom", fontsize=7.5, zorder=6)
    ax.text(
        x1 - (x1 - x0) * 0.025,
        y1 - (y1 - y0) * 0.04,
        "N\n↑",
        ha="center",
        va="top",
        fontsize=10,
        fontweight="bold",
        linespacing=0.9,
        zorder=6,
    )


def _rectangle(xy: tuple[float, float], w: float, h: float, **kw: Any) -> Any:
    from matplotlib.patches import Rectangle  # noqa: PLC0415 (optional dependency)

    return Rectangle(xy, w, h, zorder=6, **kw)


def _draw_panel(fig: Figure, ctx: ExportContext, renderer: Any, *, left: float, top: float) -> float:
    """Legend (with counts) and notes; return the figure y of the bottom of the notes."""
    from matplotlib.lines import Line2D  # noqa: PLC0415 (optional dependency)

    n = group_counts(ctx.state)
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=4 if g == "baseline" else 7,
            markerfacecolor=COLOURS[g],
            markeredgecolor="white",
            label=f"{ctx.theatre.labels[g]}: {n[g]}",
        )
        for g in schemas.LEGEND_GROUPS
    ]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=7,
            markerfacecolor="none",
            markeredgecolor="#222222",
            label="Hollow: approximate position\n(derived from a description)",
        )
    )
    n_stale = int(_stale(ctx.state).sum())
    if n_stale:
        age = ctx.ageing
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor="#999999",
                alpha=0.5,
                markeredgecolor=_STALE_EDGE,
                label=f"Faded: stale claim ({n_stale}), older\n"
                f"than {age.control_days} days ({age.presence_days} if contested)",
            )
        )
    handles.append(
        Line2D([], [], color=BORDER_COLOUR, linewidth=1.4, linestyle=(0, (6, 3)), label=ctx.theatre.border_label)
    )
    leg = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(left, top),
        title=_wrap(f"Claimed by {ctx.source['name']}", 36),
        title_fontsize=10,
        fontsize=8.5,
        frameon=False,
        alignment="left",
        labelspacing=0.9,
        borderaxespad=0,
        borderpad=0,
    )
    leg.get_title().set_fontweight("bold")
    leg_bottom = float(leg.get_window_extent(renderer).transformed(fig.transFigure.inverted()).y0)
    claimed = n["UA"] + n["RU"] + n["contested"]
    notes = [
        f"{claimed} of {len(ctx.state)} settlements carry a claim by this",
        f"source ({ctx.claims_to_date} claims up to {ctx.date.isoformat()}).",
        "Grey: no claim by this source; drawn at the",
        "de jure country, not as a claim.",
    ]
    if ctx.unplaced:
        notes.append(f"{ctx.unplaced} claim(s) could not be placed: not drawn.")
    expired = int(ctx.state["expired"].sum()) if "expired" in ctx.state else 0
    if expired and ctx.ageing.max_age_days is not None:
        notes += [f"{expired} claim(s) older than {ctx.ageing.max_age_days} days:", "drawn grey, not coloured."]
    text = fig.text(left, leg_bottom - 0.03, "\n".join(notes), fontsize=7.5, color="#333333", va="top", linespacing=1.4)
    return float(text.get_window_extent(renderer).transformed(fig.transFigure.inverted()).y0)


def _draw_locator(
    fig: Figure, main: Axes, st: gpd.GeoDataFrame, border: gpd.GeoDataFrame, *, box: tuple[float, float, float, float]
) -> None:
    """A small overview of every settlement of the gazetteer with the main map's frame on it."""
    from matplotlib.patches import Rectangle  # noqa: PLC0415 (optional dependency)

    left, bottom, w, h = box
    if w <= 0 or h <= 0.08:
        return
    ax = fig.add_axes((left, bottom, w, h))
    ax.set_anchor("SW")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("Overview", fontsize=7.5, loc="left", color="#333333")
    for spine in ax.spines.values():
        spine.set_color("#bbbbbb")
    x0, y0, x1, y1 = (float(v) for v in st.total_bounds) if len(st) else (0.0, 0.0, 1.0, 1.0)
    mx0, mx1 = main.get_xlim()
    my0, my1 = main.get_ylim()
    x0, y0, x1, y1 = min(x0, mx0), min(y0, my0), max(x1, mx1), max(y1, my1)
    pad = max(x1 - x0, y1 - y0) * 0.04
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set_autoscale_on(False)
    if len(border):
        border.plot(ax=ax, color=BORDER_COLOUR, linewidth=0.7, linestyle=(0, (4, 2)), alpha=0.8)
    ax.set_xlabel("")
    ax.set_ylabel("")
    colours = [COLOURS[g] for g in st[schemas.GROUP_COLUMN].tolist()]
    ax.scatter(st.geometry.x.to_numpy(), st.geometry.y.to_numpy(), s=3.0, c=colours, linewidths=0)
    ax.add_patch(Rectangle((mx0, my0), mx1 - mx0, my1 - my0, fill=False, edgecolor="#222222", linewidth=1.0))


def _wrap(text: str, width: int) -> str:
    r"""Break ``text`` at spaces into lines of at most about ``width`` characters.

    Examples
    --------
    >>> _wrap("Claimed by General Staff of the Armed Forces of Ukraine", 30)
    'Claimed by General Staff of\nthe Armed Forces of Ukraine'
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)
