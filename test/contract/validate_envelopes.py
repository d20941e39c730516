#!/usr/bin/env python3
"""Validates request envelopes the way the AI server would.

Reads JSON envelopes, one per line, on stdin. Each is validated with
SqsEnvelope, then its payload with the model of its taskType (a type that is
not one of the three request types is an error). Prints one JSON line per
envelope:

  {"ok": true, "taskType": ..., "taskId": ..., "payload": <validated payload, defaults applied>}
  {"ok": false, "errors": [...]}

Exit status: 0 when every envelope is valid, 1 when any is not, 2 when stdin
held no envelope at all (so an empty run never passes).
"""

import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the repo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pydantic  # noqa: E402
from pydantic import BaseModel, ValidationError  # noqa: E402

from ai_models import REQUEST_PAYLOAD_MODELS, SqsEnvelope  # noqa: E402

PYDANTIC_2 = int(pydantic.VERSION.split(".")[0]) >= 2


def _validate(model, value):
    return model.model_validate(value) if PYDANTIC_2 else model.parse_obj(value)


def _dump(instance: BaseModel):
    return instance.model_dump(mode="json") if PYDANTIC_2 else json.loads(instance.json())


def _errors(error: ValidationError, prefix):
    raw = error.errors(include_url=False) if PYDANTIC_2 else error.errors()
    return [
        {"loc": list(prefix) + list(item.get("loc", ())), "msg": item.get("msg"), "type": _error_type(item.get("type"))}
        for item in raw
    ]


def _error_type(kind):
    # pydantic 1 says "value_error.missing" where pydantic 2 says "missing".
    return "missing" if kind == "value_error.missing" else kind


def validate_line(line: str):
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return {"ok": False, "errors": [{"loc": [], "msg": f"not JSON: {error}", "type": "json_invalid"}]}
    try:
        envelope = _validate(SqsEnvelope, value)
    except ValidationError as error:
        return {"ok": False, "errors": _errors(error, [])}
    model = REQUEST_PAYLOAD_MODELS.get(envelope.taskType)
    if model is None:
        return {
            "ok": False,
            "taskType": envelope.taskType,
            "errors": [{"loc": ["taskType"], "msg": f"not a request type: {envelope.taskType}", "type": "unknown_task_type"}],
        }
    try:
        payload = _validate(model, envelope.payload)
    except ValidationError as error:
        return {"ok": False, "taskType": envelope.taskType, "errors": _errors(error, ["payload"])}
    return {"ok": True, "taskType": envelope.taskType, "taskId": envelope.taskId, "payload": _dump(payload)}


def main() -> int:
    results = [validate_line(line) for line in sys.stdin.read().splitlines() if line.strip()]
    for result in results:
        print(json.dumps(result, default=str))
    if not results:
        print("no envelopes on stdin", file=sys.stderr)
        return 2
    return 0 if all(result["ok"] for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
