"""A self-contained HTML page for ``report analytics``: inline SVG charts, inline CSS, no scripts
and no external fetches, so it can be attached to a ticket or opened offline.

Bar labels sit right-aligned in a column as wide as the longest label needs (estimated from a
conservative glyph width, so ``FORCE_CHANGE_PASSWORD`` never runs into its bar); a label longer
than ``MAX_LABEL_WIDTH`` is shortened with an ellipsis and keeps its full text in a tooltip.
Several pools make one page: a section per pool after the totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from identity_ops.jobs.analytics import Analytics

BAR_HEIGHT = 22
BAR_AREA_WIDTH = 320  # the bars themselves
VALUE_WIDTH = 70  # room for the value printed after the longest bar
LABEL_GAP = 8  # between a label's end and its bar
MIN_LABEL_WIDTH = 60
MAX_LABEL_WIDTH = 260
FONT_SIZE = 12
#: Upper bound of a glyph's advance at FONT_SIZE in common sans-serif fonts, as a fraction of
#: the font size: capitals and digits up to 0.78 ("W", "M" are wider and rare in labels: 0.95),
#: everything else 0.6.
WIDE_GLYPHS = frozenset("MW@%")
PALETTE = ("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#64748b")

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#0f172a}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}h3{font-size:1rem;margin-top:1.5rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #e2e8f0;border-radius:8px;padding:.8rem 1.2rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}
.muted{color:#64748b}
svg text{font-size:12px;fill:#0f172a}
"""


def text_width(label: str) -> float:
    """A generous estimate of ``label``'s rendered width in pixels at ``FONT_SIZE``."""
    width = 0.0
    for char in label:
        if char in WIDE_GLYPHS:
            width += 0.95
        elif char.isupper() or char.isdigit() or char == "_":
            width += 0.78
        else:
            width += 0.6
    return width * FONT_SIZE


def _fit(label: str) -> str:
    """``label``, shortened with an ellipsis to fit ``MAX_LABEL_WIDTH``."""
    if text_width(label) <= MAX_LABEL_WIDTH:
        return label
    while label and text_width(label + "…") > MAX_LABEL_WIDTH:
        label = label[:-1]
    return label + "…"


def bar_chart(title: str, values: Mapping[str, float], *, percent: bool = False) -> str:
    """A horizontal bar chart as inline SVG, labels right-aligned before their bars."""
    if not values:
        return f"<h3>{escape(title)}</h3><p class='muted'>no data</p>"
    shown_labels = {label: _fit(label) for label in values}
    widest = max(text_width(label) for label in shown_labels.values())
    label_width = max(MIN_LABEL_WIDTH, int(widest) + 1 + LABEL_GAP)
    chart_width = label_width + BAR_AREA_WIDTH + VALUE_WIDTH
    top = max(values.values()) or 1
    height = BAR_HEIGHT * len(values) + 10
    bars = []
    for index, (label, value) in enumerate(values.items()):
        y = index * BAR_HEIGHT + 5
        width = BAR_AREA_WIDTH * (value / top)
        shown = f"{value:.1%}" if percent else f"{value:,.0f}"
        color = PALETTE[index % len(PALETTE)]
        bars.append(
            f"<text x='{label_width - LABEL_GAP}' y='{y + 15}' text-anchor='end'>"
            f"<title>{escape(label)}</title>{escape(shown_labels[label])}</text>"
            f"<rect x='{label_width}' y='{y}' width='{width:.1f}' height='{BAR_HEIGHT - 6}' fill='{color}'>"
            f"<title>{escape(label)}: {shown}</title></rect>"
            f"<text x='{label_width + width + 6:.1f}' y='{y + 15}'>{shown}</text>"
        )
    return (
        f"<h3>{escape(title)}</h3>"
        f"<svg role='img' aria-label='{escape(title)}' width='{chart_width}' height='{height}' "
        f"viewBox='0 0 {chart_width} {height}'>{''.join(bars)}</svg>"
    )


def _cards(stats: Analytics) -> str:
    adoption = stats.mfa_adoption
    cards = [
        ("users", f"{stats.total:,}"),
        ("enabled", f"{stats.enabled:,}"),
        ("disabled", f"{stats.disabled:,}"),
        ("confirmation rate", f"{stats.confirmation_rate:.1%}"),
        (f"sign-ups, last {stats.recent_days} days", f"{stats.recent_signups:,}"),
        ("MFA adoption", "not measured" if adoption is None else f"{adoption:.1%}"),
    ]
    body = "".join(
        f"<div class='card'><span class='muted'>{escape(k)}</span><b>{escape(v)}</b></div>"
        for k, v in cards
    )
    return f"<div class='cards'>{body}</div>"


def _charts(stats: Analytics) -> str:
    mfa = (
        bar_chart("MFA methods (enabled users)", dict(stats.mfa_by_method))
        if stats.mfa_measured
        else "<h3>MFA</h3><p class='muted'>Not measured: run with --mfa-detail (AdminGetUser per "
        "user; each becomes a billed monthly active user).</p>"
    )
    return "".join(
        [
            bar_chart("Users by status", dict(sorted(stats.by_status.items()))),
            bar_chart(
                "Enabled vs disabled", {"enabled": stats.enabled, "disabled": stats.disabled}
            ),
            bar_chart(
                f"Sign-ups per day (last {stats.recent_days} days)",
                dict(sorted(stats.signups_by_day.items())),
            ),
            bar_chart("Group sizes", dict(sorted(stats.group_sizes.items()))),
            mfa,
        ]
    )


def _section(heading: str, stats: Analytics) -> str:
    return f"<h2>{escape(heading)}</h2>{_cards(stats)}{_charts(stats)}"


def render_html(stats: Analytics | Sequence[Analytics], names: Sequence[str] = ()) -> str:
    """The whole page: one pool, or the totals then one section per pool (``names``: stacks)."""
    pools = [stats] if isinstance(stats, Analytics) else list(stats)
    if len(pools) == 1:
        only = pools[0]
        title = f"Cognito user analytics: {only.pool_name or only.pool_id}"
        subtitle = f"Pool {only.pool_id}"
        body = f"{_cards(only)}{_charts(only)}"
    else:
        title = f"Cognito user analytics: {len(pools)} pools"
        subtitle = "Pools " + ", ".join(p.pool_id for p in pools)
        labels = list(names) or [p.pool_name or p.pool_id for p in pools]
        body = _section("All pools", Analytics.combined(pools)) + "".join(
            _section(f"{label} ({p.pool_id})", p) for label, p in zip(labels, pools, strict=True)
        )
    generated = max(p.generated_at for p in pools).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p class='muted'>{escape(subtitle)} · generated "
        f"{escape(generated)}</p>{body}</body></html>\n"
    )
