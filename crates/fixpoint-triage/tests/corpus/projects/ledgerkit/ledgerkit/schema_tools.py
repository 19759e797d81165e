def describe_fields(model) -> list[str]:
    from pydantic.fields import ModelField

    return [name for name, field in model.__fields__.items() if isinstance(field, ModelField)]
