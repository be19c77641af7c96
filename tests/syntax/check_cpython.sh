#!/usr/bin/env bash
# CPython agreement check for the syntax corpus.
# Every file in valid/ must compile with `python3 -m py_compile`; every file in invalid/ must not.
# Each file is compiled from a temporary copy named *.py in a private temp directory, with
# bytecode written into that directory only (PYTHONPYCACHEPREFIX), so nothing is left behind
# next to the corpus. Prints one line per disagreement, then a summary; exits 1 on any.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYTHON:-python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export PYTHONDONTWRITEBYTECODE=1 PYTHONPYCACHEPREFIX="$tmp/pycache"

checked=0; bad=0
for dir in valid invalid; do
    for f in "$here/$dir"/*.coro; do
        [ -e "$f" ] || continue
        checked=$((checked + 1))
        copy="$tmp/$(basename "${f%.coro}").py"
        cp "$f" "$copy"
        if out="$("$py" -m py_compile "$copy" 2>&1)"; then ok=1; else ok=0; fi
        rm -f "$copy"
        if [ "$dir" = valid ] && [ $ok -eq 0 ]; then
            bad=$((bad + 1))
            echo "DISAGREE valid/$(basename "$f"): CPython rejects it: $(printf '%s\n' "$out" | grep -v '^\s*$' | tail -n 1)"
        elif [ "$dir" = invalid ] && [ $ok -eq 1 ]; then
            bad=$((bad + 1))
            echo "DISAGREE invalid/$(basename "$f"): CPython compiles it"
        fi
    done
done
echo "checked $checked files ($(ls "$here"/valid/*.coro 2>/dev/null | wc -l) valid, $(ls "$here"/invalid/*.coro 2>/dev/null | wc -l) invalid): $bad disagreement(s) with $("$py" --version 2>&1)"
[ $bad -eq 0 ]
