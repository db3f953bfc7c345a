"""How `cogov ui`'s Solara server serves the page: settings it needs that `solara run` has no flag for."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import plotly
import solara.server.settings as settings

# plotly.js comes from the plotly package, served by this server: the page loads nothing from a CDN
PLOTLY_JS = Path(plotly.__file__).parent / "package_data"
if str(PLOTLY_JS) not in settings.assets.extra_locations:
    settings.assets.extra_locations.append(str(PLOTLY_JS))

# A page closed without a word (a crashed browser, a lost network) lets its kernel go after a
# minute, not Solara's default day; its run is kept apart (`app.live.KEEP_SECONDS`).
if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
    settings.kernel.cull_timeout = "60s"

# No "This website runs on Solara" badge over the charts; the loading screen names the app.
settings.theme.show_banner = False
settings.theme.title = "基层社会治理模拟课堂 · Community governance simulator"

# Solara warns on every page load over plain http on a classroom address; the cookie works anyway.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
