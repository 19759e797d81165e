"""What the corpus benchmarks (bench/pydantic-corpus, bench/sqlalchemy-corpus)
share: pinned sdists from PyPI checked against their sha256, one unpacked copy
and one virtual environment per stage, the check that a package imports from
the copy under test, files that no longer compile, and timed commands."""

import hashlib
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path


def log(message):
    print(message, file=sys.stderr, flush=True)


def download(project, cache):
    """The pinned sdist, through pip (PyPI), checked against its sha256."""
    name, version = project["name"], project["version"]
    cache.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{version}".lower().replace("-", "_")
    found = [p for p in cache.glob("*.tar.gz") if p.name.lower().replace("-", "_") == stem + ".tar.gz"]
    if not found:
        log(f"downloading {name}=={version}")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--disable-pip-version-check", "-d", str(cache), f"{name}=={version}"],
            check=True,
        )
        found = [p for p in cache.glob("*.tar.gz") if p.name.lower().replace("-", "_") == stem + ".tar.gz"]
    if len(found) != 1:
        raise SystemExit(f"{name}=={version}: no sdist in {cache}")
    path = found[0]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != project["sha256"]:
        raise SystemExit(f"{path.name}: sha256 {digest}, expected {project['sha256']}")
    return path


def unpack(sdist, dest):
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / (dest.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp, filter="data")
    (top,) = list(tmp.iterdir())
    top.rename(dest)
    tmp.rmdir()


def venv(path, requirements):
    """A virtual environment with exactly these pins (rebuilt when they change)."""
    stamp = hashlib.sha256("\n".join(requirements).encode()).hexdigest()
    marker = path / ".corpus-stamp"
    if (path / "bin" / "python").exists() and marker.exists() and marker.read_text() == stamp:
        return path / "bin" / "python"
    log(f"creating {path.name}: {' '.join(requirements)}")
    if path.exists():
        shutil.rmtree(path)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run(
        [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
        check=True,
    )
    marker.write_text(stamp)
    return path / "bin" / "python"


def check_import(python, copy, project, env):
    """The package must import from the copy, not from site-packages."""
    out = subprocess.run(
        [str(python), "-c", f"import {project['module']} as m; print(m.__file__)"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    where = out.stdout.strip()
    if out.returncode != 0:
        return f"import failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else '?'}"
    if not Path(where).resolve().is_relative_to(copy.resolve()):
        raise SystemExit(f"{project['name']}: {project['module']} imports from {where}, not from {copy}")
    return "ok"


def broken_files(copy):
    """Python files that no longer compile (a syntax error, a repeated keyword argument)."""
    broken = []
    for path in sorted(copy.rglob("*.py")):
        try:
            compile(path.read_bytes(), str(path), "exec")
        except (SyntaxError, ValueError) as error:
            broken.append(f"{path.relative_to(copy)}: {error}")
    return broken


def timed(cmd, cwd, log_path, env=None):
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=1800)
        code, output = proc.returncode, proc.stdout + proc.stderr
    except OSError as error:  # the binary does not exist yet
        code, output = -1, f"{error}\n"
    seconds = time.perf_counter() - start
    log_path.write_text(f"$ {' '.join(map(str, cmd))}\nexit {code}\n{output}")
    return seconds, code


def pct(part, whole):
    return f"{100 * part / whole:.0f}%" if whole else "-"
