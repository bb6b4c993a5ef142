"""The demonstration texts: the HAIP Code of Conduct as v1 and a revised v2."""

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
