"""LAVA's reading of a console, for tests without LAVA: the monitor and
interactive test actions of lava-dispatcher 2023.01
(lava_dispatcher/actions/test/monitor.py, interactive.py) over pexpect's
search: patterns compiled with re.DOTALL, the match that starts first wins
(the earlier pattern on a tie), everything up to its end is consumed.
Text can arrive in chunks, and only the last WINDOW characters are kept
and searched (LAVA's searchwindowsize, 4,000)."""
import re

WINDOW = 4000


class Console:
    def __init__(self, text, chunk=None, window=None):
        self.pending, self.buffer = text, ""
        self.chunk, self.window = chunk or len(text) or 1, window

    def arrive(self):
        self.buffer += self.pending[:self.chunk]
        self.pending = self.pending[self.chunk:]
        if self.window:
            self.buffer = self.buffer[-self.window:]

    def expect(self, patterns):
        """(index, match) of the first match, or None at the end of the text."""
        compiled = [re.compile(p, re.DOTALL) for p in patterns]
        while True:
            best = None
            for i, c in enumerate(compiled):
                m = c.search(self.buffer)
                if m and (best is None or m.start() < best[1].start()):
                    best = (i, m)
            if best:
                self.buffer = self.buffer[best[1].end():]
                return best
            if not self.pending:
                return None
            self.arrive()


def monitor(console, mon):
    """The cases one monitor records: [(case, result)]; and whether its end
    came."""
    if console.expect([mon["start"]]) is None:
        return [], False
    cases = []
    while True:
        hit = console.expect([mon["end"], mon["pattern"]])
        if hit is None:
            return cases, False
        i, m = hit
        if i == 0:
            return cases, True
        g = m.groupdict()
        result = (mon.get("fixupdict") or {}).get(g.get("result"), g.get("result"))
        if result in ("pass", "fail", "skip", "unknown") and g.get("test_case_id") is not None:
            cases.append((re.sub(r"\W+", "_", g["test_case_id"].strip().lower()), result))


def interactive(console, script):
    """The named steps' results: [(name, result)] (a step that finds
    nothing before the end of the text is a fail, as LAVA's on EOF)."""
    out = []
    for step in script["script"]:
        failures = [f["message"] for f in step.get("failures", [])]
        successes = [s["message"] for s in step.get("successes", [])]
        hit = console.expect(script["prompts"] + failures + successes)
        n = len(script["prompts"])
        ok = hit is not None and hit[0] >= n + len(failures)
        out.append((step["name"], "pass" if ok else "fail"))
        if hit is None:
            break
    return out


def read(job, text, chunk=None, window=None):
    """Every case the job's test actions record on console TEXT, in order."""
    console = Console(text, chunk, window)
    cases = []
    for action in job["actions"]:
        test = action.get("test", {})
        for mon in test.get("monitors", []):
            cases += monitor(console, mon)[0]
        for script in test.get("interactive", []):
            cases += interactive(console, script)
    return cases
