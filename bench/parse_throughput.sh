#!/usr/bin/env bash
# Parse throughput of `coro check` on a large generated valid file (not a timed test).
#
#   bench/parse_throughput.sh [MB] [ROUNDS]
#
# Builds the release binary, generates MB megabytes (default 5) of varied valid Coro
# (functions with defaults and *args, classes, loops, comprehensions, try/except,
# f-strings, async def/for/await, decorators), checks that python3 compiles it when
# python3 is there, then runs `coro check` ROUNDS times (default 5) and prints the file
# size, the best and median CPU time (user+sys, net of start-up measured on an empty
# file) and the throughput in MB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
mb="${1:-5}"
rounds="${2:-5}"
cargo build --release --quiet
coro=target/release/coro
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
src="$tmp/parse_input.coro"

python3 - "$src" "$mb" <<'PY'
import sys
path, mb = sys.argv[1], float(sys.argv[2])
chunk = '''
@cache
def func_{i}(a, b=2, *args, key=None, **kw):
    """Docstring for func_{i}."""
    total = 0
    for x in range(a):
        if x % 3 == 0 and not key:
            total += x * b - (x // 2) ** 2
        elif x in (1, 2, 3):
            total -= len([y for y in args if y > x])
        else:
            total = total + {{k: v for k, v in kw.items()}}.get('z', 0)
    while total > 100:
        total //= 2
    try:
        value = data[{i}]['name'].strip()
    except (KeyError, IndexError) as exc:
        value = f"missing {{exc!r}} at {{a:>10}}"
    finally:
        pass
    return total, value, lambda q: q + 1

class Thing_{i}(Base, metaclass=Meta):
    counter = 0
    def method(self, other):
        with open(self.path) as fh, lock:
            self.items.append(other if other is not None else [1, 2.5, "s", b"b"])
        return self.counter < other <= 10

async def worker_{i}(queue):
    async for item in queue:
        await asyncio.sleep(0.01)
        result = await process(item, retries=3)
        print("done", item, result, sep=", ")
'''
out, size, i = [], 0, 0
while size < mb * 1e6:
    s = chunk.format(i=i)
    out.append(s)
    size += len(s)
    i += 1
open(path, "w").write("".join(out))
PY

if command -v python3 >/dev/null && ! python3 -c "import sys; compile(open(sys.argv[1]).read(), 'x', 'exec')" "$src"; then
    echo "generated input is not valid Python" >&2
    exit 1
fi
: > "$tmp/empty.coro"

cpu() { # CPU seconds (user+sys) of one `coro check FILE`
    /usr/bin/time -f "%U %S" "$coro" check "$1" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.3f\n", $1 + $2 }'
}
base=$(for _ in 1 2 3; do cpu "$tmp/empty.coro"; done | sort -n | head -n 1)
times=$(for _ in $(seq "$rounds"); do cpu "$src"; done | sort -n)
best=$(echo "$times" | head -n 1)
median=$(echo "$times" | sed -n "$(( (rounds + 1) / 2 ))p")
bytes=$(wc -c < "$src")
python3 - "$bytes" "$base" "$best" "$median" <<'PY'
import sys
size, base, best, median = int(sys.argv[1]), *map(float, sys.argv[2:])
mb = size / 1e6
net = lambda t: max(t - base, 1e-3)
print(f"coro check: {mb:.2f} MB, best {best:.3f} s, median {median:.3f} s CPU (start-up {base:.3f} s)")
print(f"throughput: {mb / net(best):.1f} MB/s best, {mb / net(median):.1f} MB/s median")
PY
