"""Where the suite's known values come from: the reference project under tests/fixtures/reference/.

The project's own `catalog/` and stack files are the user's: tests never pin their values or their size. Tests that
need known values plan the reference project (a frozen copy of the default catalog with its stack files); only the
tests marked `product_catalog` read the product catalog, and only to hold it to invariants (see tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "fixtures" / "reference"
REFERENCE_CATALOG = REFERENCE / "catalog"
PRODUCT_CATALOG = ROOT / "catalog"
