"""The JSON Schemas of catalog files, for editors (yaml-language-server) and reviewers: a service file
(`schema/service.schema.json`) and the teams file (`schema/teams.schema.json`)."""

from typing import Any

from .service import ServiceFile
from .teams import TeamsDocument

SCHEMA_ID = "https://vigil.dev/schema/service.schema.json"
TEAMS_SCHEMA_ID = "https://vigil.dev/schema/teams.schema.json"


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


def teams_schema() -> dict[str, Any]:
    one = TeamsDocument.model_json_schema(mode="validation")
    definitions = one.pop("$defs", {})
    return {
        **one,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": TEAMS_SCHEMA_ID,
        "title": "vigil teams file",
        "description": "The catalog's teams (teams.yaml): routes, escalation and tags their services inherit.",
        "$defs": definitions,
    }


SCHEMAS = {"service": service_schema, "teams": teams_schema}
