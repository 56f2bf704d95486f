#!/usr/bin/env python3
"""strata report on the fixture incidents (issue 8).

For each incident in fixtures/incidents:
  - the Markdown and the JSON equal the golden files in tests/golden/report
    (run with STRATA_UPDATE_GOLDEN=1 to write them after a deliberate change,
    and read the diff before committing it);
  - two runs give the same bytes;
  - cmark (CommonMark, from Debian) parses the Markdown: every heading and
    fenced code block comes out as one, and no text turns into markup we
    did not write (a link, raw HTML, emphasis out of a log line);
  - every table lines up: the same width and number of cells on each row,
    the separator row well formed; no line outside code blocks is longer
    than 200 characters;
  - the JSON is one document with the same hints, effects and timeline as
    the Markdown;
  - the likely causes tell the seed's story (the cause and effect named in
    fixtures/incidents/README.md).
Then: bookmarks from a state file show in the timeline with their notes;
--since/--until narrow the window; -o FILE writes the file and says where;
bad input is a clear message, not a crash.

usage: report_check.py STRATA PROJECT_DIR
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

strata, root = os.path.abspath(sys.argv[1]), sys.argv[2]
golden_dir = os.path.join(root, "tests", "golden", "report")
update = os.environ.get("STRATA_UPDATE_GOLDEN") == "1"
failures = 0
checks = 0


def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAIL: " + what)


def run(*args, cwd=root, ok=True):
    p = subprocess.run([strata, "report", *args], capture_output=True, cwd=cwd, timeout=120)
    if ok:
        check(p.returncode == 0, "report %s: exit %d: %s" % (args, p.returncode, p.stderr.decode(errors="replace")))
    return p


# The story of each seed, in the first likely cause: words of the cause and
# of the effect (fixtures/incidents/README.md).
STORIES = {
    "job-succeeded-wrong": (["ConfigMap analytics-config replaced"], ["analytics_daily_revenue_usd", "91%"]),
    "cluster-disagrees": (["became leader"], ["stale reads"]),
    "dr-not-ready": (["Health check passed", "database=connected"], ["10.0.50.11:5432 refused"]),
    "service-wont-start": (["Deploy data exporter binary"], ["status=126"]),
    "session-store-dying": (["64Mi"], ["OOMKilled"]),
}
# ... and what its evidence must quote somewhere in the likely causes.
EVIDENCE = {
    "job-succeeded-wrong": ["warehouse_staging", "14,293"],
    "cluster-disagrees": ["288847", "289102"],
    "dr-not-ready": ["replica_west", "evaluate_target_health = false"],
    "service-wont-start": ['mode = "0644"'],
    "session-store-dying": ["noeviction", "Cannot allocate memory"],
}


def outside_code(md):
    """The lines outside fenced code blocks, with their numbers."""
    fence = None
    for n, line in enumerate(md.split("\n"), 1):
        m = re.match(r"^(`{3,})", line)
        if fence is None and m:
            fence = m.group(1)
            continue
        if fence is not None:
            if line.startswith(fence) and line.strip("`") == "":
                fence = None
            continue
        yield n, line


def tables(md):
    """The tables: runs of lines outside code that start with '|'."""
    cur = []
    for n, line in outside_code(md):
        if line.startswith("|"):
            cur.append((n, line))
        elif cur:
            yield cur
            cur = []
    if cur:
        yield cur


def cells(line):
    """A table row's cells, split on '|' not escaped with a backslash."""
    out, cur, i = [], "", 1
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            cur += line[i:i + 2]
            i += 2
            continue
        if c == "|":
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    return out


def check_layout(name, md):
    for n, line in outside_code(md):
        check(len(line) <= 200, "%s: line %d is %d characters" % (name, n, len(line)))
    nt = 0
    for t in tables(md):
        nt += 1
        widths = {len(line) for _, line in t}
        check(len(widths) == 1, "%s: table at line %d: rows of %s characters" % (name, t[0][0], sorted(widths)))
        counts = {len(cells(line)) for _, line in t}
        check(len(counts) == 1, "%s: table at line %d: rows of %s cells" % (name, t[0][0], sorted(counts)))
        check(len(t) >= 3, "%s: table at line %d has no rows" % (name, t[0][0]))
        sep = cells(t[1][1])
        check(all(re.fullmatch(r" -+:? ", c) for c in sep), "%s: table at line %d: separator %r" % (name, t[0][0], t[1][1]))
        # each column's cells end at the same place
        for _, line in t:
            pos = [i for i, c in enumerate(line) if c == "|" and (i == 0 or line[i - 1] != "\\")]
            check(pos == [i for i, c in enumerate(t[0][1]) if c == "|" and (i == 0 or t[0][1][i - 1] != "\\")],
                  "%s: table at line %d: columns do not line up" % (name, t[0][0]))
    return nt


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1


def check_cmark(name, md):
    if shutil.which("cmark") is None:
        check(False, "cmark is not installed (scripts/install-deps installs it)")
        return
    p = subprocess.run(["cmark", "--validate-utf8"], input=md.encode(), capture_output=True, timeout=60)
    check(p.returncode == 0 and p.stderr == b"", "%s: cmark: exit %d %r" % (name, p.returncode, p.stderr))
    out = p.stdout.decode()
    check("\ufffd" not in out, "%s: invalid UTF-8 in the report" % name)
    t = Tags()
    t.feed(out)
    allowed = {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "code", "pre", "blockquote", "hr"}
    check(set(t.tags) <= allowed, "%s: unexpected markup %s" % (name, sorted(set(t.tags) - allowed)))
    lines = [l for _, l in outside_code(md)]
    for level in (1, 2, 3):
        want = sum(1 for l in lines if l.startswith("#" * level + " "))
        check(t.tags.get("h%d" % level, 0) == want,
              "%s: %d h%d headings in the Markdown, %d from cmark" % (name, want, level, t.tags.get("h%d" % level, 0)))
    fences = sum(1 for l in md.split("\n") if re.match(r"^`{3,}text$", l))
    check(t.tags.get("pre", 0) == fences, "%s: %d code blocks, cmark read %d" % (name, fences, t.tags.get("pre", 0)))
    check(t.tags.get("h1", 0) == 1, "%s: one title" % name)


def section(md, title):
    m = re.search(r"^## " + re.escape(title) + r"\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    return m.group(1) if m else ""


def golden(name, ext, data):
    path = os.path.join(golden_dir, name + ext)
    if update:
        os.makedirs(golden_dir, exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return
    try:
        with open(path, "rb") as f:
            want = f.read()
    except OSError:
        check(False, "%s: no golden file %s (STRATA_UPDATE_GOLDEN=1 writes it)" % (name, path))
        return
    if want != data:
        a, b = want.decode(errors="replace").split("\n"), data.decode(errors="replace").split("\n")
        first = next((i for i in range(max(len(a), len(b))) if (a[i:i + 1] != b[i:i + 1])), None)
        check(False, "%s%s differs from the golden file from line %s:\n  want %r\n  got  %r" % (
            name, ext, first + 1 if first is not None else "?",
            a[first] if first is not None and first < len(a) else None,
            b[first] if first is not None and first < len(b) else None))


SECTIONS = ["Sources", "What changed", "What broke", "Likely causes", "Unexplained symptoms",
            "Metrics", "Timeline", "Postmortem (draft)"]

incidents = sorted(d for d in os.listdir(os.path.join(root, "fixtures", "incidents"))
                   if os.path.isdir(os.path.join(root, "fixtures", "incidents", d)))
check(sorted(STORIES) == incidents, "a story for each incident: %s" % incidents)
for name in incidents:
    path = "fixtures/incidents/%s/" % name
    p = run(path)
    md_bytes = p.stdout
    md = md_bytes.decode()
    check(run(path).stdout == md_bytes, "%s: two runs differ" % name)
    golden(name, ".md", md_bytes)
    j = run("--output", "json", path).stdout
    golden(name, ".json", j)
    check(check_layout(name, md) >= 3, "%s: the sources, broke, timeline and action tables" % name)
    check_cmark(name, md)
    check(md.startswith("# Incident report (draft): "), "%s: title %r" % (name, md[:60]))
    check("(draft)" in md and "**Draft" in md, "%s: marked as a draft" % name)
    heads = re.findall(r"^## (.*)$", md, re.M)
    check(heads == SECTIONS, "%s: sections %s" % (name, heads))
    for h in ["Impact", "Detection", "Root cause", "Resolution", "Action items"]:
        check(("\n### %s\n" % h) in md, "%s: skeleton part %s" % (name, h))
    check(re.search(r"\*\*Window:\*\* \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?Z to ", md) is not None,
          "%s: the window" % name)

    causes = section(md, "Likely causes")
    first = re.search(r"^### 1\. (.*?)(?=^### 2\. |\Z)", causes, re.S | re.M)
    first = first.group(0) if first else ""
    cause_words, effect_words = STORIES[name]
    for w in cause_words + effect_words:
        check(w in first, "%s: likely cause 1 names %r" % (name, w))
    for w in EVIDENCE[name]:
        check(w in causes, "%s: the evidence quotes %r" % (name, w))
    check(re.search(r"^- \*\*Confidence:\*\* (high|medium) ", first, re.M) is not None,
          "%s: likely cause 1 is of high or medium confidence" % name)
    check(re.search(r"^```text\n[^\n]+:\d+: ", causes, re.M) is not None,
          "%s: evidence quoted as source:line in a code block" % name)
    check("Starting point (likely cause 1" in section(md, "Postmortem (draft)"),
          "%s: the root cause is pre-filled from the top hint" % name)

    # the JSON: one document, the same content
    try:
        doc = json.loads(j)
    except ValueError as e:
        check(False, "%s: the JSON is not one document: %s" % (name, e))
        continue
    for k in ["title", "window", "sources", "changes", "effects", "causes", "unexplained",
              "metrics", "timeline", "bookmarks", "postmortem"]:
        check(k in doc, "%s: JSON has %s" % (name, k))
    check(doc.get("draft") is True, "%s: JSON draft" % name)
    check(len(doc["causes"]) == len(re.findall(r"^### \d+\. ", causes, re.M)),
          "%s: JSON and Markdown give the same number of likely causes" % name)
    broke = section(md, "What broke")
    check(len(doc["effects"]) == max(0, len([l for l in broke.split("\n") if l.startswith("| ")]) - 2),
          "%s: JSON and Markdown give the same effects" % name)
    tl = section(md, "Timeline")
    check(len(doc["timeline"]) == max(0, len([l for l in tl.split("\n") if l.startswith("| ")]) - 2),
          "%s: JSON and Markdown give the same timeline" % name)
    check(doc["title"] in md.split("\n")[0].replace("\\", ""), "%s: the same title" % name)
    if doc["causes"]:
        c = doc["causes"][0]
        check(c["cause"]["quote"] is not None and c["reasoning"], "%s: JSON cause quote and reasoning" % name)
        check(all("source" in e and "line" in e and "text" in e for e in c["evidence"]),
              "%s: JSON evidence as source, line, text" % name)
    for m in doc["metrics"]:
        check(len(m["sparkline"]) == min(m["points"], 60) and "^" in m["marks"] or m["marks"].strip(),
              "%s: a sparkline and its onset mark for %s" % (name, m["series"]))

# The metrics section: a sparkline with the onset marked and the values either side.
md = run("fixtures/incidents/job-succeeded-wrong/").stdout.decode()
met = section(md, "Metrics")
check(re.search(r"^```text\n[▁▂▃▄▅▆▇█]{7}\n {5}\^\n\^ analytics_daily_revenue_usd dropped 91%", met, re.M) is not None,
      "job-succeeded-wrong: revenue sparkline with the onset under the 6th point:\n" + met[:400])
check("before: last 3.25M" in met and "after:  first 287,412" in met, "job-succeeded-wrong: before/after values")

# A burst folded: a file with 312 lines of one error.
tmp = tempfile.mkdtemp(prefix="strata-report-")
try:
    with open(os.path.join(tmp, "app.log"), "w") as f:
        f.write("2024-05-01T10:00:00Z INFO deploy: ConfigMap app-config replaced in namespace shop\n")
        for i in range(312):
            f.write("2024-05-01T10:%02d:%02dZ ERROR request %d failed: connection refused\n" % (1 + i // 60, i % 60, i))
        f.write("2024-05-01T10:30:00Z INFO all fine\n")
    md = run(os.path.join(tmp, "app.log")).stdout.decode()
    tl = section(md, "Timeline")
    rows = [l for l in tl.split("\n") if "connection refused" in l]
    check(len(rows) == 2, "burst: its first and last line only, got %d rows" % len(rows))
    check(len(rows) == 2 and "request 0 failed" in rows[0] and "×312" in rows[1] and "request 311 failed" in rows[1],
          "burst: the last row folds the repeats as ×312: %s" % rows)
    check_layout("burst", md)

    # the widest rows: a long source name, 6-digit line numbers, times with
    # milliseconds, bursts, texts full of '|', markup and ' - ' at wrap
    # points, a token of 400 characters
    name = "kube-apiserver-audit-controller.log"
    with open(os.path.join(tmp, name), "w") as f:
        for i in range(120000):
            f.write("2024-05-01T09:%02d:%02d.%03dZ INFO tick %d\n" % (i // 6000 % 60, i // 100 % 60, i % 1000, i))
        msg = "deployment.apps/checkout | image=registry/checkout:v2 | replicas=3 - rolled *out* [by] `ci` _now_ 1. # > " * 3
        for i in range(3):
            f.write("2024-05-01T10:00:%02d.123Z INFO ConfigMap checkout-config replaced in namespace shop %s\n" % (i, msg))
        for i in range(50):
            f.write("2024-05-01T10:01:%02d.456Z ERROR %s upstream connection refused %s %s\n" % (i, msg, "x" * 400, "- " * 30))
    md = run(name, cwd=tmp).stdout.decode()
    check_layout("wide", md)
    check_cmark("wide", md)

    # bookmarks saved by the viewer show in the timeline with their notes
    shutil.copytree(os.path.join(root, "fixtures/incidents/job-succeeded-wrong"), os.path.join(tmp, "job"))
    ev = os.path.realpath(os.path.join(tmp, "job", "events.log"))
    with open(os.path.join(tmp, "job", ".strata-state"), "w") as f:
        f.write("# strata state 1\nbookmark\t%s\t21\t2024-12-08T05:59:58.000000Z\tthe staging config | went live\n" % ev)
    md = run("job/", cwd=tmp).stdout.decode()
    tl = section(md, "Timeline")
    check(re.search(r"\| bookmark +\| `events\.log:21` +\| `the staging config \\\| went live — ConfigMap", tl) is not None,
          "bookmark: the note and the line in the timeline:\n" + tl)
    check("Bookmarks from `job/.strata-state`: 1 in the window" in " ".join(tl.split()), "bookmark: the state file named")
    check_layout("bookmarks", md)
    doc = json.loads(run("-o", "json", "job/", cwd=tmp).stdout)
    check(any(e["kind"] == "bookmark" and e["note"] == "the staging config | went live" for e in doc["timeline"]),
          "bookmark in the JSON timeline")
    # --state names another file; a bad one is said, and the report still written
    with open(os.path.join(tmp, "bad-state"), "w") as f:
        f.write("not a state file\n")
    p = run("--state", "bad-state", "job/", cwd=tmp)
    check(b"bad-state" in p.stderr and p.stdout.startswith(b"# Incident report"), "bad state file: said, report written")

    # the window: --since/--until
    md = run("--since", "2024-12-07T00:00:00Z", "--until", "2024-12-09T00:00:00Z",
             "fixtures/incidents/job-succeeded-wrong/").stdout.decode()
    check("**Window:** 2024-12-07 00:00:00Z to 2024-12-09 00:00:00Z (2.0 days), as given" in md, "window as given")
    check("ConfigMap analytics-config replaced" in section(md, "What changed"), "window: the change inside it")
    md = run("--until", "2024-12-07T00:00:00Z", "fixtures/incidents/job-succeeded-wrong/").stdout.decode()
    check("No change events in the window" in md and "### 1." not in md, "window before the incident: nothing")

    # -o FILE writes it and says where; FILE.json is JSON
    out = os.path.join(tmp, "report.md")
    p = run("-o", out, "fixtures/incidents/session-store-dying/")
    check(p.stdout == b"" and ("report written to " + out).encode() in p.stderr, "-o FILE: said where")
    with open(out, "rb") as f:
        check(f.read() == run("fixtures/incidents/session-store-dying/").stdout, "-o FILE: the same report")
    outj = os.path.join(tmp, "report.json")
    run("-o", outj, "fixtures/incidents/session-store-dying/")
    with open(outj) as f:
        check(json.load(f)["title"].startswith("ecommerce/session-cache"), "-o FILE.json: JSON")
    p = run("-o", os.path.join(tmp, "no", "such", "dir.md"), "fixtures/incidents/session-store-dying/", ok=False)
    check(p.returncode == 1 and b"cannot write" in p.stderr, "-o into a missing directory: exit 1, said")

    # bad input: a missing file, binary garbage, a line of 2 MB
    p = run(os.path.join(tmp, "missing.log"), ok=False)
    check(p.returncode == 1 and b"missing.log" in p.stderr and p.stdout.startswith(b"# Incident report"),
          "missing source: named, exit 1, report still written")
    with open(os.path.join(tmp, "garbage.bin"), "wb") as f:
        f.write(bytes((i * 7919 + 13) % 256 for i in range(200000)))
    with open(os.path.join(tmp, "long.log"), "w") as f:
        f.write("2024-05-01T10:00:00Z ERROR " + "x|`*_" * 400000 + "\n")
    for bad in ("garbage.bin", "long.log"):
        p = run(os.path.join(tmp, bad), ok=False)
        check(p.returncode in (0, 1) and p.stdout.startswith(b"# Incident report"), "%s: a report, no crash" % bad)
        check_layout(bad, p.stdout.decode())
        check_cmark(bad, p.stdout.decode())
    p = subprocess.run([strata, "report", "-f", "x"], capture_output=True, timeout=30)
    check(p.returncode == 2 and b"report takes no -f" in p.stderr, "report -f: a usage error")
finally:
    shutil.rmtree(tmp)

print("%d checks, %d failed" % (checks, failures))
sys.exit(1 if failures else 0)
