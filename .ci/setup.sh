# Shared set-up for .ci/quickstart and .ci/test: installs what is missing and
# the project itself. Safe to run again; sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

ensure_debian_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> apt-get install ${missing[*]}"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
    fi
}

# What the engine links: SQLite, and libpqxx over libpq (found with pkg-config).
BUILD_PACKAGES=(libsqlite3-dev libpqxx-dev libpq-dev pkg-config)

ensure_build_tools() {
    command -v g++ >/dev/null || ensure_debian_packages g++
    command -v cmake >/dev/null || "$PYTHON" -m pip install -q cmake
    command -v ninja >/dev/null || "$PYTHON" -m pip install -q ninja
}

install_project() {
    local extras="$1"
    echo "==> pip install $ROOT[$extras]"
    "$PYTHON" -m pip install -q --disable-pip-version-check "$ROOT[$extras]"
}
