"""A module that leaves a mark when imported: tests check that reading a file naming it
never imports it."""

import os
from pathlib import Path

from alliancesim import AllianceModel

Path(os.environ.get("ALLIANCESIM_TRIPWIRE", "tripwire-was-imported")).write_text("imported")


class Tripped(AllianceModel):
    """Never meant to run."""
