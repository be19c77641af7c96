#!/usr/bin/env python3
"""Differential fuzzer: random small programs within LANGUAGE.md, run under python3 and
under Coro; prints every program whose stdout, exit status or last stderr line differ.

usage: tests/difffuzz.py [-n N] [--seed S] [--coro PATH] [--keep DIR] [--quiet]

Programs mix arithmetic, strings, containers, generators driven by random
next/send/throw/close sequences, and asyncio tasks sleeping distinct durations.
Each printed expression is wrapped so an exception prints its type and message.
Exit status 1 if any program differs. Needs python3 3.11 and a built Coro
(cargo build --release).
"""
import argparse
import os
import random
import subprocess
import sys

INTS = ["0", "1", "-1", "2", "3", "7", "-13", "10**20", "-(2**63)", "255", "True", "False"]
FLOATS = ["0.5", "-2.25", "1e300", "3.0", "-0.0", "1e-5", "float('inf')", "float('nan')"]
STRS = ["''", "'abc'", "'Hello World'", "'  pad  '", "'a,b,,c'", "'ÅßÇ'", "'12'", "'x\\ty'", "'-42'"]
BIN = ["+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "<", "<=", "==", "!=", ">", ">="]


def num(r, depth=0):
    if depth > 2 or r.random() < 0.4:
        return r.choice(INTS + FLOATS)
    k = r.random()
    if k < 0.6:
        op = r.choice(BIN)
        a, b = num(r, depth + 1), num(r, depth + 1)
        if op == "**":
            b = r.choice(["0", "1", "2", "3", "-1"])  # no fractional powers: complex numbers are out of scope
        if op in ("<<", ">>"):
            b = r.choice(["0", "1", "5", "64", "-1"])
        return f"({a} {op} {b})"
    if k < 0.8:
        return f"({r.choice(['-', '+', '~', 'not '])}{num(r, depth + 1)})"
    f = r.choice(["abs", "int", "float", "round", "bool", "str", "repr", "hex", "bin", "divmod2", "pow3", "max2", "min2"])
    x = num(r, depth + 1)
    if f == "divmod2":
        return f"divmod({x}, {num(r, depth + 1)})"
    if f == "pow3":
        return f"pow({r.choice(INTS)}, {r.choice(['2', '5', '0', '-1'])}, {r.choice(['7', '1', '-3', '0'])})"
    if f in ("max2", "min2"):
        return f"{f[:3]}({x}, {num(r, depth + 1)})"
    if f == "round":
        return f"round({x}, {r.choice(['0', '1', '-1', '2'])})"
    return f"{f}({x})"


def string(r):
    s = r.choice(STRS)
    k = r.random()
    if k < 0.5:
        m = r.choice([
            "upper()", "lower()", "strip()", "split(',')", "split()", "title()", "swapcase()",
            "replace('a', 'XY')", "find('b')", "count('a')", "startswith('a')", "endswith('c')",
            "ljust(8, '*')", "rjust(6)", "center(9, '-')", "zfill(5)", "isdigit()", "isalpha()",
            "partition(',')", "rsplit(',', 1)", "encode()", "casefold()", "capitalize()", "index('z')",
            "join(['1', '2', '3'])", "splitlines()", "expandtabs(4)", "isupper()", "strip('ab')",
        ])
        return f"{s}.{m}"
    if k < 0.7:
        a, b, c = (r.choice(["", "-1", "0", "1", "2", "-3", "10", "None"]) for _ in range(3))
        return f"{s}[{a}:{b}:{c or ''}]" if c not in ("0",) else f"{s}[{a}:{b}]"
    if k < 0.85:
        spec = r.choice([">8", "<6", "^7", ".2f", ",", "x", "08.3f", "+d", "e", "%", "#x", "_", "b", "10.3", "g", "s", "!r"])
        v = r.choice(INTS + FLOATS + STRS).replace("'", '"')  # 3.11 f-strings cannot reuse the quote
        if spec == "!r":
            return f"f'{{{v}!r}}'"
        return f"f'{{{v}:{spec}}}'"
    fmt = r.choice(["'%d'", "'%5.2f'", "'%s-%r'", "'%x'", "'%-6s|'", "'%03d'", "'%e'", "'%c'"])
    nargs = fmt.count("%")
    args = ", ".join(r.choice(INTS + FLOATS + STRS) for _ in range(nargs))
    return f"{fmt} % ({args},)"


def container(r, out):
    v = f"c{r.randrange(1000)}"
    kind = r.choice(["list", "dict", "set", "tuple"])
    if kind == "list":
        out.append(f"{v} = [{', '.join(r.choice(INTS + STRS[:3]) for _ in range(r.randrange(6)))}]")
        for _ in range(r.randrange(1, 6)):
            op = r.choice([
                f"{v}.append({r.choice(INTS)})", f"{v}.pop()", f"{v}.pop(0)", f"{v}.insert(1, 'i')", f"{v}.reverse()",
                f"{v}.extend(range(3))", f"{v}.remove(1)", f"{v}.index(2)", f"{v}.count(1)", f"{v}.sort(key=str)",
                f"del {v}[::2]", f"{v}[1:3] = ['s']", f"{v} *= 2", f"{v}.clear()", f"{v}.sort(reverse=True, key=repr)",
            ])
            out.append(wrap(op, stmt=True))
        out.append(f"print({v}, len({v}), {v}[-1:], sorted({v}, key=repr))")
    elif kind == "dict":
        out.append(f"{v} = {{{', '.join(f'{r.choice(INTS[:6] + STRS[:4])}: {r.choice(INTS)}' for _ in range(r.randrange(5)))}}}")
        for _ in range(r.randrange(1, 6)):
            k = r.choice(INTS[:6] + STRS[:4])
            op = r.choice([
                f"{v}[{k}] = {r.choice(INTS)}", f"{v}.pop({k})", f"{v}.get({k}, 'dflt')", f"{v}.setdefault({k}, [])",
                f"{v}.update({{{k}: 0}})", f"del {v}[{k}]", f"{v}.popitem()", f"list({v}.items())", f"{v} | {{'z': 1}}",
                f"{v}.copy()", f"{{k: v for k, v in {v}.items() if v}}", f"list(reversed({v}))",
            ])
            out.append(wrap(op, stmt=op.startswith("del ") or "] =" in op))
        out.append(f"print({v}, list({v}.keys()), list({v}.values()))")
    elif kind == "set":
        out.append(f"{v} = {{{', '.join(r.choice(INTS[:8]) for _ in range(r.randrange(1, 6)))}}}")
        for _ in range(r.randrange(1, 5)):
            op = r.choice([
                f"{v}.add({r.choice(INTS[:8])})", f"{v}.discard(2)", f"{v}.remove(7)", f"{v} | {{1, 99}}", f"{v} & {{0, 1, 2}}",
                f"{v} - {{3}}", f"{v} ^ {{1, 5}}", f"{v}.pop()", f"sorted({v})", f"{v} <= {{0, 1, 2, 3}}", f"frozenset({v})",
            ])
            out.append(wrap(op))
        out.append(f"print(sorted({v}), len({v}))")
    else:
        out.append(f"{v} = ({', '.join(r.choice(INTS + STRS[:3]) for _ in range(r.randrange(5)))},)")
        for op in r.sample([f"{v}[1]", f"{v}[::-1]", f"{v} + (1,)", f"{v} * 2", f"{v}.count(1)", f"{v}.index(3)", f"hash({v}) == hash({v})",
                            f"{v} < (1, 2)", f"list(enumerate({v}))", f"list(zip({v}, 'abc'))", f"[*{v}, *{v}]"], 3):
            out.append(wrap(op))


def wrap(expr, stmt=False):
    body = expr if stmt else f"print(repr({expr}))"
    return f"try:\n    {body}\nexcept Exception as e:\n    print(type(e).__name__, e)"


def generator(r, out):
    g = f"gen{r.randrange(1000)}"
    inner = r.choice(["plain", "yieldfrom"])
    lines = [f"def {g}(n):"]
    lines.append("    total = 0")
    lines.append("    try:")
    lines.append("        for i in range(n):")
    lines.append("            try:")
    lines.append("                x = yield i * 10")
    lines.append("                print('got', x)")
    lines.append("                if x == 'ret':")
    lines.append("                    return 'early'")
    lines.append("                total += x if isinstance(x, int) else 0")
    catch = r.choice(["ValueError", "KeyError", "(TypeError, ValueError)", "Exception"])
    lines.append(f"            except {catch} as e:")
    lines.append("                print('caught', type(e).__name__, e)")
    if r.random() < 0.3:
        lines.append("                yield 'from-handler'")
    lines.append("    finally:")
    lines.append("        print('finally', total)")
    if r.random() < 0.2:
        lines.append("        yield 'from-finally'")
    lines.append("    return total")
    out.extend(lines)
    if inner == "yieldfrom":
        out.append(f"def outer{g}(n):")
        out.append(f"    r = yield from {g}(n)")
        out.append("    print('outer got', r)")
        out.append("    yield 'after'")
        out.append(f"it = outer{g}({r.randrange(0, 4)})")
    else:
        out.append(f"it = {g}({r.randrange(0, 4)})")
    for _ in range(r.randrange(1, 7)):
        op = r.choice(["next(it)", "it.send(None)", "it.send(5)", "it.send('ret')", "it.throw(ValueError('v'))",
                       "it.throw(KeyError('k'))", "it.throw(TypeError)", "it.close()", "next(it, 'dflt')", "list(it)",
                       "it.throw(StopIteration)", "it.gi_running", "it.gi_suspended"])
        out.append(f"try:\n    print('->', repr({op}))\nexcept StopIteration as e:\n    print('stop', e.value)\nexcept Exception as e:\n    print('exc', type(e).__name__, e)")


def async_tasks(r, out):
    n = r.randrange(2, 5)
    delays = r.sample(range(1, 12), n)
    out.append("import asyncio")
    out.append("async def worker(name, d, fail):")
    out.append("    print('start', name)")
    out.append("    await asyncio.sleep(d * 0.05)")  # 50 ms apart: the order does not depend on load
    out.append("    if fail:")
    out.append("        raise ValueError(name)")
    out.append("    print('end', name)")
    out.append("    return name * 2")
    out.append("async def main():")
    mode = r.choice(["gather", "gather_exc", "tasks", "wait_for", "cancel", "queue"])
    specs = ", ".join(f"worker('w{i}', {d}, {r.random() < 0.25})" for i, d in enumerate(delays))
    if mode == "gather":
        out.append("    try:")
        out.append(f"        print(await asyncio.gather({specs}))")
        out.append("    except ValueError as e:")
        out.append("        print('gather failed', e)")
        out.append("    await asyncio.sleep(0.025)")
    elif mode == "gather_exc":
        out.append(f"    res = await asyncio.gather({specs}, return_exceptions=True)")
        out.append("    print([type(x).__name__ if isinstance(x, BaseException) else x for x in res])")
    elif mode == "tasks":
        out.append(f"    ts = [asyncio.create_task(c) for c in [{specs}]]")
        out.append("    for t in ts:")
        out.append("        try:")
        out.append("            print('result', await t)")
        out.append("        except ValueError as e:")
        out.append("            print('task failed', e)")
    elif mode == "wait_for":
        out.append("    try:")
        out.append(f"        print(await asyncio.wait_for(worker('wf', {delays[0]}, False), {r.choice([0.001, 0.125])}))")
        out.append("    except asyncio.TimeoutError:")
        out.append("        print('timeout')")
    elif mode == "cancel":
        out.append(f"    t = asyncio.create_task(worker('c', {delays[0]}, False))")
        out.append(f"    await asyncio.sleep({r.choice([0, 0.001, 0.125])})")
        out.append("    print('cancel returns', t.cancel())")
        out.append("    try:")
        out.append("        await t")
        out.append("    except asyncio.CancelledError:")
        out.append("        print('cancelled', t.cancelled())")
        out.append("    print('done', t.done())")
    else:
        out.append("    q = asyncio.Queue()")
        out.append("    async def prod(k, d):")
        out.append("        await asyncio.sleep(d * 0.05)")
        out.append("        await q.put(k)")
        out.append(f"    ps = [asyncio.create_task(prod(k, d)) for k, d in enumerate({delays})]")
        out.append(f"    for _ in range({n}):")
        out.append("        print('got', await q.get())")
    out.append("asyncio.run(main())")


def program(r):
    out = []
    for _ in range(r.randrange(1, 5)):
        k = r.random()
        if k < 0.3:
            for _ in range(r.randrange(1, 5)):
                out.append(wrap(num(r)))
        elif k < 0.5:
            for _ in range(r.randrange(1, 5)):
                out.append(wrap(string(r)))
        elif k < 0.7:
            container(r, out)
        elif k < 0.9:
            generator(r, out)
        else:
            async_tasks(r, out)
            break  # asyncio.run once, at the end
    if r.random() < 0.1:
        out.append(r.choice(["raise ValueError('end')", "1 / 0", "[][1]", "{}['k']", "undefined_name"]))
    return "\n".join(out) + "\n"


def run(cmd, path):
    try:
        p = subprocess.run(cmd + [path], capture_output=True, text=True, timeout=20, env=dict(os.environ, PYTHONHASHSEED="0"))
    except subprocess.TimeoutExpired:
        return ("<timeout>", None, "")
    err = p.stderr.strip().splitlines()
    return (p.stdout, p.returncode, err[-1] if err and p.returncode else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--coro", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "coro"))
    ap.add_argument("--keep", default="/tmp/difffuzz")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.keep, exist_ok=True)
    bad = 0
    for i in range(a.n):
        seed = a.seed * 1_000_003 + i
        src = program(random.Random(seed))
        path = os.path.join(a.keep, f"p{seed}.py")
        with open(path, "w") as f:
            f.write(src)
        want = run(["python3"], path)
        got = run([a.coro], path)
        if want != got:
            bad += 1
            print(f"MISMATCH seed {seed}: {path}")
            if not a.quiet:
                wl, gl = want[0].splitlines(), got[0].splitlines()
                for j in range(max(len(wl), len(gl))):
                    if j >= len(wl) or j >= len(gl) or wl[j] != gl[j]:
                        print(f"  line {j + 1}: python3 {wl[j] if j < len(wl) else '<none>'!r}")
                        print(f"  line {j + 1}: coro    {gl[j] if j < len(gl) else '<none>'!r}")
                        break
                if want[1:] != got[1:]:
                    print(f"  python3 status {want[1]} {want[2]!r}")
                    print(f"  coro    status {got[1]} {got[2]!r}")
        else:
            os.remove(path)
    print(f"{a.n} programs, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
