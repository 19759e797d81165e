# Sourced by scripts/demo and scripts/test: creates or refreshes a virtual
# environment from pinned requirement files, and does nothing when the pins
# have not changed since the last time.
#
#   ensure_venv DIR REQUIREMENTS...
ensure_venv() {
    local dir=$1
    shift
    local python=${PYTHON:-python3}
    local stamp
    stamp=$(cat "$@" | sha256sum | cut -d' ' -f1)
    if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.fixpoint-stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    if ! command -v "$python" >/dev/null 2>&1; then
        echo "error: $python not found; install Python 3.11 or set PYTHON=/path/to/python3" >&2
        return 2
    fi
    echo "Creating $dir from $*" >&2
    "$python" -m venv "$dir"
    local args=()
    for requirements in "$@"; do args+=(-r "$requirements"); done
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}"
    echo "$stamp" >"$dir/.fixpoint-stamp"
}
