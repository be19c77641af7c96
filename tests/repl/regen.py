#!/usr/bin/env python3
"""Regenerate REPL transcript expectations with CPython 3.11.

For each NAME.input, feed it to an interactive console that behaves like
`python3 -m asyncio` without prompts or banner (what `coro repl < NAME.input` must
print): each complete input is compiled in 'single' mode with top-level await allowed;
every input runs as a task on one persistent event loop, until it is done (tasks it
started keep running whenever a later input runs the loop); expression values are echoed with repr and bound to `_`.
stdout goes to NAME.out; errors go to stderr (not compared).

Usage: tests/repl/regen.py [FILE.input ...]   (default: every *.input here)
"""
import ast, asyncio, code, codeop, sys, types, io, pathlib, contextlib, traceback

class Console(code.InteractiveConsole):
    def __init__(self, loop):
        super().__init__({"__name__": "__main__", "__builtins__": __builtins__})
        self.loop = loop
        self.compile.compiler.flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT

    def runcode(self, code_obj):
        # Every input runs as a task on the one persistent loop (so create_task works
        # anywhere); the loop runs only until that input is done.
        func = types.FunctionType(code_obj, self.locals)

        async def main():
            result = func()
            if asyncio.iscoroutine(result):
                return await result
            return result

        try:
            self.loop.run_until_complete(main())
        except SystemExit:
            raise
        except BaseException:
            self.showtraceback()

    def write(self, data):
        sys.stderr.write(data)

def run(path):
    lines = path.read_text().splitlines()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    out = io.StringIO()
    console = Console(loop)
    with contextlib.redirect_stdout(out):
        buf = []
        more = False
        try:
            for line in lines:
                more = console.push(line)
            if more:
                console.push("")
        except SystemExit:
            pass
    path.with_suffix(".out").write_text(out.getvalue())

def main():
    if sys.version_info[:2] != (3, 11):
        sys.exit("needs CPython 3.11")
    files = [pathlib.Path(a) for a in sys.argv[1:]] or sorted(pathlib.Path(__file__).parent.glob("*.input"))
    for f in files:
        run(f)

if __name__ == "__main__":
    main()
