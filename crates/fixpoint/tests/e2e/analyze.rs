//! `fixpoint analyze` and `fixpoint context` on a small repository built here.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{fixpoint, stderr, stdout, strings};

fn repository(root: &Path) {
    let write = |path: &str, text: &str| {
        let file = root.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, text).unwrap();
    };
    write(
        "pyproject.toml",
        "[project]\nname = \"shop\"\ndependencies = [\"sqlalchemy>=2\", \"pydantic_yaml\"]\n\n[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n",
    );
    write(".gitignore", "build/\n*.log\n");
    write(".env", "API_TOKEN=canary-ctx-4242\n");
    write("app/__init__.py", "");
    write("app/a.py", "from app import b\n\n\ndef f():\n    return b.g()\n");
    write("app/b.py", "from app import a\n\n\ndef g():\n    return 1\n");
    write(
        "app/models.py",
        "import sqlalchemy\n\nmetadata = sqlalchemy.MetaData()\n",
    );
    write("app/settings.py", "TOKEN = \"canary-ctx-4242\"\n");
    write("tests/conftest.py", "");
    write(
        "tests/test_a.py",
        "from app.a import f\n\n\ndef test_f():\n    assert f() == 1\n\n\ndef test_g():\n    pass\n",
    );
    write("build/generated.py", "X = 1\n");
    write("debug.log", "noise\n");
}

#[test]
fn analyze_describes_layout_tests_frameworks_and_cycles() {
    let dir = tempfile::tempdir().unwrap();
    repository(dir.path());
    let output = fixpoint(dir.path(), &["analyze", "--output-format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let analysis: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(analysis["tests"]["test_files"], 1);
    assert_eq!(analysis["tests"]["test_functions"], 2);
    assert_eq!(analysis["tests"]["config"], "pyproject.toml");
    assert_eq!(analysis["tests"]["conftest_files"][0], "tests/conftest.py");
    let frameworks: Vec<&str> = strings(&analysis["frameworks"], "name");
    assert_eq!(frameworks, ["SQLAlchemy", "pytest"], "pydantic_yaml is not Pydantic");
    assert_eq!(analysis["import_cycles"], serde_json::json!([["app/a.py", "app/b.py"]]));
    let python = analysis["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["language"] == "Python")
        .unwrap();
    assert_eq!(python["files"], 8);
    let text = stdout(&fixpoint(dir.path(), &["analyze"]));
    assert!(text.contains("app/a.py <-> app/b.py"), "{text}");
}

#[test]
fn context_packs_what_git_tracks_without_secrets_within_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    repository(dir.path());
    let output = fixpoint(dir.path(), &["context"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let document = stdout(&output);
    assert!(document.contains("## app/a.py ("), "{document}");
    for absent in ["build/generated.py", "debug.log", "## .env", "canary-ctx-4242"] {
        assert!(!document.contains(absent), "{absent} in:\n{document}");
    }
    assert!(document.contains("TOKEN = \"[REDACTED]\""), "{document}");

    let json: Value =
        serde_json::from_slice(&fixpoint(dir.path(), &["context", "app", "--format", "json"]).stdout).unwrap();
    let files: Vec<&str> = strings(&json["files"], "path");
    assert!(files.iter().all(|f| f.starts_with("app/")), "{files:?}");
    let total: u64 = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["tokens"].as_u64().unwrap())
        .sum();
    assert_eq!(json["tokens"].as_u64().unwrap(), total);

    let small = fixpoint(dir.path(), &["context", "--budget", "20", "--format", "xml"]);
    assert!(small.status.success());
    let xml = stdout(&small);
    assert!(xml.starts_with("<context ") && xml.contains("<omitted path="), "{xml}");
    assert!(stderr(&small).contains("did not fit in 20 tokens"));

    let outside = fixpoint(dir.path(), &["context", "../"]);
    assert_eq!(outside.status.code(), Some(2));
    assert!(stderr(&outside).contains("outside the project"), "{}", stderr(&outside));
    let unknown = fixpoint(dir.path(), &["context", "--for", "tests/test_a.py::test_f"]);
    assert_eq!(unknown.status.code(), Some(2), "no history yet");
    assert!(
        stderr(&unknown).contains("is not in the history"),
        "{}",
        stderr(&unknown)
    );
}
