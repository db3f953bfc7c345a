"""Where cogov finds the files it ships and where it writes. Light on purpose: the command line
names these paths before it loads anything heavy."""

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the checkout, or the installed `cogov` folder
DESIGN_DIR = PACKAGE_ROOT / "experiments" / "designs"
TARGETS_DIR = PACKAGE_ROOT / "experiments" / "targets"
DEFAULT_TARGETS = TARGETS_DIR / "seed_targets.toml"
RESULTS = Path("results")  # outputs go under the current folder unless --db/--out say otherwise
DEFAULT_DB = RESULTS / "cogov.db"
