"""Policy tests import the pack the way the engine runs it: with policies/ on sys.path."""

import sys
from pathlib import Path

PACK = Path(__file__).resolve().parents[2] / "policies"
if str(PACK) not in sys.path:
    sys.path.insert(0, str(PACK))
