"""Writes a project of N SQLAlchemy 2.0 models for `fixpoint testdata`:
N/5 modules of five models each; every model has a text, a unique email, a
money column, a checked integer, an enum status, a nullable date, and a
foreign key to a model of an earlier module (a chain of dependencies that
the creation order must respect).

    python gen.py DIR N
"""
import sys
from pathlib import Path

root, count = Path(sys.argv[1]), int(sys.argv[2])
package = root / "shop"
(package / "models").mkdir(parents=True)
(root / "tests").mkdir()
(root / "pyproject.toml").write_text(
    '[project]\nname = "shop"\nversion = "0"\ndependencies = ["sqlalchemy>=2"]\n\n[tool.pytest.ini_options]\npythonpath = ["."]\n'
)
(package / "__init__.py").write_text("")
(package / "db.py").write_text(
    "import enum\n\nfrom sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\n"
    "class Status(enum.Enum):\n    DRAFT = 'draft'\n    ACTIVE = 'active'\n    ARCHIVED = 'archived'\n"
)
modules = count // 5
imports = []
for m in range(modules):
    lines = [
        "from datetime import date",
        "from decimal import Decimal",
        "",
        "from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String",
        "from sqlalchemy.orm import Mapped, mapped_column, relationship",
        "",
        "from shop.db import Base, Status",
        "",
    ]
    for k in range(5):
        i = m * 5 + k
        parent = (m - 1) * 5 + k if m > 0 else None
        lines += [
            "",
            f"class Model{i}(Base):",
            f'    __tablename__ = "model_{i}"',
            f'    __table_args__ = (CheckConstraint("quantity >= 0 AND quantity <= 500", name="ck_{i}_quantity"),)',
            "",
            "    id: Mapped[int] = mapped_column(primary_key=True)",
            "    name: Mapped[str] = mapped_column(String(80))",
            "    email: Mapped[str] = mapped_column(String(120), unique=True)",
            "    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))",
            "    quantity: Mapped[int]",
            "    status: Mapped[Status]",
            "    released: Mapped[date | None]",
        ]
        if parent is not None:
            lines += [
                f'    parent_id: Mapped[int] = mapped_column(ForeignKey("model_{parent}.id"))',
                f'    parent: Mapped["Model{parent}"] = relationship()',
            ]
    (package / "models" / f"m{m:03}.py").write_text("\n".join(lines) + "\n")
    imports.append(f"from shop.models import m{m:03}  # noqa: F401")
(package / "models" / "__init__.py").write_text("")
# What an import-based generator must do before it can write anything:
# import every model module and configure the mappers.
(root / "import_all.py").write_text(
    "import sys\nsys.path.insert(0, '.')\n" + "\n".join(imports) + "\nfrom sqlalchemy.orm import configure_mappers\nconfigure_mappers()\n"
)
