"""A self-contained HTML page for ``report analytics``: inline SVG charts, inline CSS, no scripts
and no external fetches, so it can be attached to a ticket or opened offline."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from identity_ops.jobs.analytics import Analytics

BAR_HEIGHT = 22
CHART_WIDTH = 560
LABEL_WIDTH = 170
PALETTE = ("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#64748b")

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#0f172a}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #e2e8f0;border-radius:8px;padding:.8rem 1.2rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}
.muted{color:#64748b}
svg text{font-size:12px;fill:#0f172a}
"""


def bar_chart(title: str, values: Mapping[str, float], *, percent: bool = False) -> str:
    """A horizontal bar chart as inline SVG."""
    if not values:
        return f"<h2>{escape(title)}</h2><p class='muted'>no data</p>"
    top = max(values.values()) or 1
    height = BAR_HEIGHT * len(values) + 10
    bars = []
    for index, (label, value) in enumerate(values.items()):
        y = index * BAR_HEIGHT + 5
        width = (CHART_WIDTH - LABEL_WIDTH - 70) * (value / top)
        shown = f"{value:.1%}" if percent else f"{value:,.0f}"
        color = PALETTE[index % len(PALETTE)]
        bars.append(
            f"<text x='0' y='{y + 15}'>{escape(label)}</text>"
            f"<rect x='{LABEL_WIDTH}' y='{y}' width='{width:.1f}' height='{BAR_HEIGHT - 6}' fill='{color}'>"
            f"<title>{escape(label)}: {shown}</title></rect>"
            f"<text x='{LABEL_WIDTH + width + 6:.1f}' y='{y + 15}'>{shown}</text>"
        )
    return (
        f"<h2>{escape(title)}</h2>"
        f"<svg role='img' aria-label='{escape(title)}' width='{CHART_WIDTH}' height='{height}' "
        f"viewBox='0 0 {CHART_WIDTH} {height}'>{''.join(bars)}</svg>"
    )


def render_html(stats: Analytics) -> str:
    """The whole page."""
    adoption = stats.mfa_adoption
    cards = [
        ("users", f"{stats.total:,}"),
        ("enabled", f"{stats.enabled:,}"),
        ("disabled", f"{stats.disabled:,}"),
        ("confirmation rate", f"{stats.confirmation_rate:.1%}"),
        (f"sign-ups, last {stats.recent_days} days", f"{stats.recent_signups:,}"),
        ("MFA adoption", "not measured" if adoption is None else f"{adoption:.1%}"),
    ]
    card_html = "".join(
        f"<div class='card'><span class='muted'>{escape(k)}</span><b>{escape(v)}</b></div>"
        for k, v in cards
    )
    mfa = (
        bar_chart("MFA methods (enabled users)", dict(stats.mfa_by_method))
        if stats.mfa_measured
        else "<h2>MFA</h2><p class='muted'>Not measured: run with --mfa-detail (AdminGetUser per user; "
        "each becomes a billed monthly active user).</p>"
    )
    sections = [
        bar_chart("Users by status", dict(sorted(stats.by_status.items()))),
        bar_chart("Enabled vs disabled", {"enabled": stats.enabled, "disabled": stats.disabled}),
        bar_chart(
            f"Sign-ups per day (last {stats.recent_days} days)",
            dict(sorted(stats.signups_by_day.items())),
        ),
        bar_chart("Group sizes", dict(sorted(stats.group_sizes.items()))),
        mfa,
    ]
    title = f"Cognito user analytics: {stats.pool_name or stats.pool_id}"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p class='muted'>Pool {escape(stats.pool_id)} · generated "
        f"{escape(stats.generated_at.strftime('%Y-%m-%d %H:%M UTC'))}</p>"
        f"<div class='cards'>{card_html}</div>{''.join(sections)}</body></html>\n"
    )
