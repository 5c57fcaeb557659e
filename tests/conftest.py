"""Shared test settings: headless matplotlib, and the kit's theme so Chinese glyphs are available."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
