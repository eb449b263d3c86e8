"""The plan JSON contract: {"project", "stack", "resources": [{type, name, parent, inputs, options}]}."""

import json

from vigil.engine import Plan


def render_json(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n"
