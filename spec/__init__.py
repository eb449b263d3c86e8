"""The typed spec: models, units, loading with file:line errors, overlays and JSON Schema.

Imports nothing from the builders or the program: data flows one way, from here outwards.
"""

from .catalog import Catalog, load_catalog
from .errors import SpecError, SpecErrors
from .service import Service, ServiceFile
from .units import Duration, Percent, Rate

__all__ = ["Catalog", "Duration", "Percent", "Rate", "Service", "ServiceFile", "SpecError", "SpecErrors", "load_catalog"]
