# Sourced by scripts/test: the outside tools the report tests check fixpoint's
# output with, each fetched once into .test-tools/ from a package registry:
#
#   Chromium (Debian's package)        renders the HTML dashboard headless
#   Microsoft's SARIF multitool (npm)  validates SARIF against the 2.1.0 schema and rules
#   pytest's junit-10.xsd (PyPI sdist) the JUnit schema pytest itself is tested against
#
#   ensure_test_tools   sets FIXPOINT_TEST_CHROMIUM, FIXPOINT_TEST_SARIF_VALIDATOR, FIXPOINT_TEST_JUNIT_XSD

SARIF_MULTITOOL_VERSION=5.7.0
JUNIT_XSD_FROM_PYTEST=9.2.0

ensure_test_tools() {
    local tools="$PWD/.test-tools"
    mkdir -p "$tools"

    if ! command -v chromium >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "Installing Chromium (Debian's chromium package)" >&2
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        else
            echo "error: chromium not found; install Debian's chromium package" >&2
            return 2
        fi
    fi
    export FIXPOINT_TEST_CHROMIUM
    FIXPOINT_TEST_CHROMIUM=$(command -v chromium)

    local multitool="$tools/sarif-multitool-$SARIF_MULTITOOL_VERSION/package/Sarif.Multitool"
    if [ ! -x "$multitool" ]; then
        echo "Fetching the SARIF multitool $SARIF_MULTITOOL_VERSION (npm)" >&2
        local pack
        pack=$(cd "$tools" && npm pack --silent "@microsoft/sarif-multitool-linux@$SARIF_MULTITOOL_VERSION" 2>/dev/null | tail -1)
        [ -f "$tools/$pack" ] || { echo "error: could not fetch @microsoft/sarif-multitool-linux from npm" >&2; return 2; }
        mkdir -p "$tools/sarif-multitool-$SARIF_MULTITOOL_VERSION"
        tar -xzf "$tools/$pack" -C "$tools/sarif-multitool-$SARIF_MULTITOOL_VERSION"
        chmod +x "$multitool"
        rm -f "$tools/$pack"
    fi
    export FIXPOINT_TEST_SARIF_VALIDATOR="$multitool"
    export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

    local xsd="$tools/junit-10.xsd"
    if [ ! -f "$xsd" ]; then
        echo "Fetching junit-10.xsd from pytest $JUNIT_XSD_FROM_PYTEST's source distribution (PyPI)" >&2
        local scratch
        scratch=$(mktemp -d)
        python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
            "pytest==$JUNIT_XSD_FROM_PYTEST" -d "$scratch" >/dev/null
        tar -xzf "$scratch/pytest-$JUNIT_XSD_FROM_PYTEST.tar.gz" -C "$scratch" \
            "pytest-$JUNIT_XSD_FROM_PYTEST/testing/example_scripts/junit-10.xsd"
        cp "$scratch/pytest-$JUNIT_XSD_FROM_PYTEST/testing/example_scripts/junit-10.xsd" "$xsd"
        rm -rf "$scratch"
    fi
    export FIXPOINT_TEST_JUNIT_XSD="$xsd"
}
