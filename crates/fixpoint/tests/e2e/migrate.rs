//! `fixpoint migrate pydantic`: per-module choice between a v2 rewrite and
//! the `pydantic.v1` namespace, spread along imports between model modules.

use std::fs;

use crate::support::{fixpoint, stdout};

fn write(dir: &std::path::Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn modules_without_a_v2_equivalent_and_their_neighbours_move_to_the_v1_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pyproject.toml", "[project]\nname = \"mix\"\nversion = \"0\"\n");
    write(root, "app/__init__.py", "");
    write(
        root,
        "app/legacy.py",
        "from pydantic import BaseModel\nfrom pydantic.fields import ModelField\n\nfrom app.shared import Address\n\n\nclass Person(BaseModel):\n    address: Address\n",
    );
    write(
        root,
        "app/shared.py",
        "from pydantic import BaseModel\n\n\nclass Address(BaseModel):\n    street: str\n",
    );
    write(
        root,
        "app/modern.py",
        "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n    class Config:\n        orm_mode = True\n",
    );

    let output = fixpoint(root, &["migrate", "pydantic"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let log = stdout(&output);
    assert!(log.contains("app/legacy.py: v1-namespace (uses `ModelField`"), "{log}");
    assert!(
        log.contains("app/shared.py: v1-namespace (shares models with app/legacy.py"),
        "{log}"
    );
    assert!(log.contains("app/modern.py: v2"), "{log}");

    let legacy = fs::read_to_string(root.join("app/legacy.py")).unwrap();
    assert!(legacy.contains("from pydantic.v1 import BaseModel"), "{legacy}");
    assert!(legacy.contains("from pydantic.v1.fields import ModelField"), "{legacy}");
    let shared = fs::read_to_string(root.join("app/shared.py")).unwrap();
    assert!(shared.contains("from pydantic.v1 import BaseModel"), "{shared}");
    let modern = fs::read_to_string(root.join("app/modern.py")).unwrap();
    assert!(modern.contains("from pydantic import BaseModel"), "{modern}");
    assert!(
        modern.contains("model_config = ConfigDict(from_attributes=True)"),
        "{modern}"
    );

    // Idempotent: a second migration has nothing left to change.
    let again = fixpoint(root, &["migrate", "pydantic", "--dry-run"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("0 fixes would be applied"),
        "{}",
        stdout(&again)
    );
    assert_eq!(fs::read_to_string(root.join("app/legacy.py")).unwrap(), legacy);

    // And reversible like every fix.
    assert_eq!(fixpoint(root, &["undo"]).status.code(), Some(0));
    assert!(
        fs::read_to_string(root.join("app/legacy.py"))
            .unwrap()
            .contains("from pydantic import BaseModel\n")
    );
}
