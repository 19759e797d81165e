import json


def _export_model():
    from profiles.schemas.export import ExportFile

    return ExportFile


def export_users(users: list[dict]) -> str:
    model = _export_model()
    return json.dumps(model.model_validate(users).model_dump())


def export_count(users: list[dict]) -> int:
    return len(json.loads(export_users(users)))
