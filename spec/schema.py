"""The JSON Schema of a catalog file, for editors (yaml-language-server) and reviewers."""

from typing import Any

from .service import ServiceFile

SCHEMA_ID = "https://vigil.dev/schema/service.schema.json"


def service_schema() -> dict[str, Any]:
    one = ServiceFile.model_json_schema(mode="validation")
    definitions = one.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "vigil service catalog file",
        "description": "One service, or a list of services, per YAML document.",
        "$defs": {**definitions, "Service": one},
        "anyOf": [{"$ref": "#/$defs/Service"}, {"type": "array", "items": {"$ref": "#/$defs/Service"}}],
    }
