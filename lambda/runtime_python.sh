#!/bin/sh
# Print a Python 3.13 (the function's runtime) to compile the bundle's bytecode with, or nothing.
# Tried in order: $RUNTIME_PYTHON, python3.13 on PATH, pyenv's 3.13, uv's 3.13; then, if uv
# is installed, `uv python install 3.13` fetches one (a managed CPython build) for the build.
is313() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; }
for candidate in "$RUNTIME_PYTHON" python3.13 \
    "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13 \
    "$(uv python find 3.13 2>/dev/null)"; do
    if is313 "$candidate"; then echo "$candidate"; exit 0; fi
done
if command -v uv >/dev/null 2>&1 && uv python install 3.13 >/dev/null 2>&1; then
    candidate="$(uv python find 3.13 2>/dev/null)"
    if is313 "$candidate"; then echo "$candidate"; exit 0; fi
fi
exit 0
