#!/bin/sh
# Seed the fuzz corpora from the golden cases and examples (copies, not committed).
# usage: fuzz/seed_corpus.sh   (from the repository root)
set -e
mkdir -p fuzz/corpus/parse fuzz/corpus/run
for f in tests/cases/*/*.coro examples/*.coro examples/*/*.coro tests/syntax/*/*.coro; do
    [ -f "$f" ] || continue
    n=$(echo "$f" | tr '/' '_')
    cp "$f" "fuzz/corpus/parse/$n"
    cp "$f" "fuzz/corpus/run/$n"
done
echo "seeded $(ls fuzz/corpus/parse | wc -l) files"
