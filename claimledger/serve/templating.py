"""The Jinja2 environment of the web pages and the report: autoescape on, strict undefined."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..models import CATEGORIES, MODALITIES, PERIOD_KINDS
from .charts import embed_json
from .views import claim_date, figure_text, number_text, period_text, safe_url

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(figure=figure_text, period=period_text, num=number_text, safe_url=safe_url,
                       json=embed_json, day=claim_date, label=lambda s: str(s).replace("_", " "))
    env.globals.update(CATEGORIES=CATEGORIES, MODALITIES=MODALITIES, PERIOD_KINDS=PERIOD_KINDS)
    return env


def plotly_js() -> Path:
    """plotly.js as shipped inside the installed plotly package (never a CDN)."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def render_template(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
