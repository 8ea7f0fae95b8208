"""Which guest runs which kselftest tests: the whole run's order, its parts
(whole collections, or the single tests of a long one), dealt to N shards
or N guests by the tests' known durations (else by their count), and
SHARD=I/N. A guest costs its boot and the copy of the tests whatever it
runs, so a bin (a guest, or a shard's) is filled whole: its tests run one
after the other in one guest. Pure: no I/O but durations(), which reads
the file it is given. qemu/kselftest/kselftest-jobs is its user;
tests/kselftest/test_shards.py its unit tests.

The plan depends only on its inputs (the tests, the durations, N), so that
every machine of a sharded run computes the same one."""
import json
import re

SHARD_RE = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")


class BadShard(ValueError):
    pass


# -- the whole run --------------------------------------------------------

def run_order(tests, listing):
    """The tests a run of TESTS runs ("COLLECTION:TEST"), each once, in the
    order run_kselftest.sh runs them: the single tests named (-t) first,
    then each collection named (-c) whole, in the order of LISTING (the
    tree's kselftest-list.txt); then grouped by collection, in the order
    the collections first come (run_kselftest.sh runs a collection's
    tests together)."""
    named = [t for t in tests if ":" in t]
    whole = [t for t in tests if ":" not in t]
    flat = named + [entry for c in dict.fromkeys(whole) for entry in listing if entry.split(":", 1)[0] == c]
    groups = {}
    for entry in dict.fromkeys(flat):
        groups.setdefault(entry.split(":", 1)[0], []).append(entry)
    return [entry for entries in groups.values() for entry in entries]


def collection(entry):
    return entry.split(":", 1)[0]


def collections(order):
    """The collections of ORDER, each once, in order."""
    return list(dict.fromkeys(collection(e) for e in order))


# -- durations ------------------------------------------------------------

def durations(path):
    """{"COLLECTION:TEST": seconds} from PATH: a results.json (its
    top-level kselftest tests' durations) or lines "COLLECTION:TEST
    SECONDS" ('#' starts a comment). Raises OSError, ValueError."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("{"):
        return durations_of_results(json.loads(text))
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 2 or ":" not in words[0]:
            raise ValueError(f"line {n}: not 'COLLECTION:TEST SECONDS': {line.strip()}")
        out[words[0]] = float(words[1])
    return out


def durations_of_results(res):
    out = {}
    for t in res.get("tests") or []:
        path, d = t.get("path") or "", t.get("duration")
        if t.get("subtest") or d is None or not path.startswith("kselftest."):
            continue
        # path: kselftest.COLLECTION.TEST (a collection has no dot; a test may).
        c, _, name = path[len("kselftest."):].partition(".")
        out[f"{c}:{name}"] = float(d)
    return out


def estimate(order, known):
    """{entry: seconds} for every test of ORDER: its known duration, the
    mean of the known ones for a test without one; with none known, 1
    each (the tests' count)."""
    seen = [known[e] for e in order if e in known]
    mean = sum(seen) / len(seen) if seen else 1.0
    return {e: known.get(e, mean) if seen else 1.0 for e in order}


# -- parts ----------------------------------------------------------------

class Part:
    """Tests that stay together, of one collection: the whole collection,
    or one test of a long one; cost: their estimated seconds; first: the
    place of the first in the run's order."""

    def __init__(self, entries, cost, first):
        self.entries, self.cost, self.first = entries, cost, first

    def __repr__(self):
        return f"Part({self.entries!r}, {self.cost:.1f})"


def parts(order, known, bins):
    """ORDER's parts for BINS (guests, or shards): each collection whole,
    but one that costs more than half a bin's share of the whole is dealt
    test by test: whole, it would leave the bins unequal."""
    secs = estimate(order, known)
    share = sum(secs.values()) / max(1, bins)
    by_coll = {}
    for e in order:
        by_coll.setdefault(collection(e), []).append(e)
    out = []
    for entries in by_coll.values():
        cost = sum(secs[e] for e in entries)
        if bins > 1 and len(entries) > 1 and cost > share / 2:
            out += [Part([e], secs[e], order.index(e)) for e in entries]
        else:
            out.append(Part(entries, cost, order.index(entries[0])))
    return out


def assign(all_parts, n):
    """The parts dealt to N bins, longest first, each to the bin with the
    least so far (the lowest-numbered of equals): N lists of tests, each
    in run order (a bin is one guest, or one shard)."""
    bins, load = [[] for _ in range(n)], [0.0] * n
    for p in sorted(all_parts, key=lambda p: (-p.cost, p.first)):
        i = min(range(n), key=lambda i: (load[i], i))
        bins[i].append(p)
        load[i] += p.cost
    return [[e for p in sorted(b, key=lambda p: p.first) for e in p.entries] for b in bins]


def split(order, known, n):
    """ORDER's tests in N bins (some may be empty), balanced."""
    return assign(parts(order, known, n), n)


# -- SHARD=I/N ------------------------------------------------------------

def parse_shard(text):
    """(I, N) from "I/N", 1 <= I <= N. Raises BadShard."""
    m = SHARD_RE.match(text.strip())
    if not m or int(m.group(1)) > int(m.group(2)):
        raise BadShard(f"'{text}' is not I/N with 1 <= I <= N")
    return int(m.group(1)), int(m.group(2))


def shard_from(given, env):
    """(I, N) or None: GIVEN ("I/N", or empty), else GitLab's
    CI_NODE_INDEX and CI_NODE_TOTAL (a parallel: job's). Raises BadShard."""
    if given:
        return parse_shard(given)
    index, total = env.get("CI_NODE_INDEX", ""), env.get("CI_NODE_TOTAL", "")
    if index or total:
        try:
            return parse_shard(f"{index}/{total}")
        except BadShard:
            raise BadShard(f"CI_NODE_INDEX={index} CI_NODE_TOTAL={total} is not a shard I of N")
    return None


def shard_tests(order, known, shard):
    """The tests of ORDER that shard (I, N) runs, in run order."""
    i, n = shard
    return split(order, known, n)[i - 1]
