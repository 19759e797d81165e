def relationship_factory():
    from sqlalchemy.orm import relation

    return relation
