#!/bin/sh
# e2e.sh: end-to-end tests of the real strata binary.
#
#   sh tests/e2e.sh BUILD/strata SOURCE_DIR
#
# Each check prints "FAIL: ..." when it fails; at the end the script prints
# "N passed, N failed" and exits non-zero if anything failed. Every run of
# strata is also checked for crashes (status >= 128) and for sanitizer
# reports on stderr, which matter when the binary is built with
# -DSTRATA_SANITIZE=ON (UBSan exits 1, so the status alone does not tell).
# JSON is checked with python3.

BIN=$1
SRC=$2
if [ ! -x "$BIN" ] || [ ! -d "$SRC/fixtures/incidents" ]; then
	echo "usage: e2e.sh STRATA_BINARY SOURCE_DIR" >&2
	exit 2
fi
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
SRC=$(cd "$SRC" && pwd) # sections cd around: keep every path absolute
command -v python3 >/dev/null 2>&1 || { echo "e2e.sh needs python3" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/strata-e2e.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 2' INT TERM
KEEP=$(pwd) # inputs of failed garbage runs are kept here
# the user's own formats (~/.config/strata/formats) stay out of the tests
XDG_CONFIG_HOME=$T/config
export XDG_CONFIG_HOME

PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); }
fail() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $*"
}
# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
	_desc=$1
	shift
	if "$@"; then pass; else fail "$_desc"; fi
}

# Run strata: stdout in $OUT, stderr in $ERR, status in $RC. The input of
# st (stdin) is given by the caller's redirection.
OUT=$T/out
ERR=$T/err
sanitized() {
	if [ "$RC" -ge 128 ]; then
		fail "strata $1: died with status $RC"
		sed 's/^/    /' "$ERR" | head -20
		return
	fi
	if grep -q -E 'runtime error:|Sanitizer|AddressSanitizer|LeakSanitizer' "$ERR"; then
		fail "strata $1: sanitizer report"
		grep -E 'runtime error:|ERROR: |SUMMARY' "$ERR" | head -10 | sed 's/^/    /'
	fi
}
st() {
	"$BIN" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	sanitized "$*"
}
status_is() { [ "$RC" -eq "$1" ]; }
err_has() { grep -q -F -e "$1" "$ERR"; }
out_has() { grep -q -F -e "$1" "$OUT"; }
err_empty() { [ ! -s "$ERR" ]; }

# ---- the JSON checks, in python
cat >"$T/chk.py" <<'PY'
import json, re, sys

# the issue 2 keys, in order, then "fields" (an object of strings and JSON values)
KEYS = ["ts", "source", "line", "kind", "level", "format", "text", "fields"]
# keys added after them, only on the events they apply to
EXTRA = ["metric", "change", "symptom", "entities", "late"]
LEVELS = [None, "trace", "debug", "info", "notice", "warn", "error", "fatal"]

def events(path):
    out = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")  # strict: valid UTF-8 only
                ev = json.loads(line)
            except Exception as e:
                sys.exit("line %d is not valid JSON in UTF-8 (%s): %r" % (n, e, raw[:200]))
            if (not isinstance(ev, dict) or list(ev.keys())[:len(KEYS)] != KEYS
                    or any(k not in EXTRA for k in list(ev.keys())[len(KEYS):])):
                sys.exit("line %d: keys %s, want %s and some of %s" % (
                    n, list(ev) if isinstance(ev, dict) else ev, KEYS, EXTRA))
            if "metric" in ev:
                m = ev["metric"]
                if (ev["kind"] != "metric" or not isinstance(m, dict) or list(m) != ["name", "labels", "value"]
                        or not isinstance(m["name"], str) or not m["name"]
                        or not isinstance(m["labels"], dict)
                        or any(not isinstance(v, str) for v in m["labels"].values())
                        or not (isinstance(m["value"], (int, float)) or m["value"] in ("NaN", "+Inf", "-Inf"))):
                    sys.exit("line %d: bad metric object: %r" % (n, raw[:300]))
            if not isinstance(ev["fields"], dict):
                sys.exit("line %d: fields is not an object: %r" % (n, raw[:200]))
            if ev["level"] not in LEVELS or ev["kind"] not in ("log", "change", "metric"):
                sys.exit("line %d: bad level or kind: %r" % (n, raw[:200]))
            if not isinstance(ev["line"], int) or ev["line"] < 1:
                sys.exit("line %d: bad line number" % n)
            out.append(ev)
    return out

def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "jsonl":          # FILE [MIN_EVENTS]
        evs = events(args[0])
        if len(args) > 1 and len(evs) < int(args[1]):
            sys.exit("%d events, want at least %s" % (len(evs), args[1]))
    elif cmd == "order":        # FILE: untimed first, then non-decreasing times
        evs = events(args[0])
        seen_timed = False
        prev = None
        for i, ev in enumerate(evs):
            if ev["ts"] is None:
                if seen_timed:
                    sys.exit("event %d is untimed after timed events" % (i + 1))
                continue
            seen_timed = True
            if prev is not None and ev["ts"] < prev:
                sys.exit("event %d: %s after %s" % (i + 1, ev["ts"], prev))
            prev = ev["ts"]
        if not seen_timed:
            sys.exit("no timed events")
    elif cmd == "has":          # FILE TS SUBSTRING [LEVEL [FORMAT]]
        evs = events(args[0])
        hits = [e for e in evs if e["ts"] == (args[1] or None) and args[2] in e["text"]]
        if not hits:
            near = [e for e in evs if args[2] in e["text"]]
            sys.exit("no event at %s with %r (with the text: %s)"
                     % (args[1], args[2], [e["ts"] for e in near]))
        if len(args) > 3 and hits[0]["level"] != (args[3] if args[3] != "null" else None):
            sys.exit("level %s, want %s" % (hits[0]["level"], args[3]))
        if len(args) > 4 and hits[0]["format"] != args[4]:
            sys.exit("format %s, want %s" % (hits[0]["format"], args[4]))
    elif cmd == "before":       # FILE TS1 SUB1 TS2: the event (TS1, SUB1) precedes every event at TS2
        evs = events(args[0])
        a = [i for i, e in enumerate(evs) if e["ts"] == args[1] and args[2] in e["text"]]
        b = [i for i, e in enumerate(evs) if e["ts"] == args[3]]
        if not a or not b:
            sys.exit("missing events (%d, %d)" % (len(a), len(b)))
        if a[0] > min(b):
            sys.exit("event at %s printed after one at %s" % (args[1], args[3]))
    elif cmd == "field":        # FILE TS SUBSTRING KEY JSON_VALUE: the event's fields[KEY]
        evs = events(args[0])
        hits = [e for e in evs if e["ts"] == args[1] and args[2] in e["text"]]
        if not hits:
            sys.exit("no event at %s with %r" % (args[1], args[2]))
        got = hits[0]["fields"].get(args[3], "<missing>")
        if got != json.loads(args[4]):
            sys.exit("fields[%r] = %r, want %s (fields %r)" % (args[3], got, args[4], hits[0]["fields"]))
    elif cmd == "count":        # FILE N
        n = len(events(args[0]))
        if n != int(args[1]):
            sys.exit("%d events, want %s" % (n, args[1]))
    elif cmd == "get":          # FILE INDEX KEY: print a field (index from 0, -1 = last)
        v = events(args[0])[int(args[1])][args[2]]
        print(len(v) if args[2] == "text" and len(args) > 3 else v)
    elif cmd == "filtered":     # FULL FILTERED since|until|level|regex VALUE
        full, got = events(args[0]), events(args[1])
        kind, v = args[2], args[3]
        if kind == "since":
            want = [e for e in full if e["ts"] is not None and e["ts"] >= v]
        elif kind == "until":
            want = [e for e in full if e["ts"] is not None and e["ts"] <= v]
        elif kind == "level":
            want = [e for e in full if e["level"] is not None and LEVELS.index(e["level"]) >= LEVELS.index(v)]
        elif kind == "regex":
            want = [e for e in full if re.search(v, e["text"])]
        else:
            sys.exit("bad filter kind")
        if got != want:
            sys.exit("%s %s: %d events, want %d" % (kind, v, len(got), len(want)))
        if not want or len(want) == len(full):
            sys.exit("%s %s: the filter should narrow the output (%d of %d)" % (kind, v, len(want), len(full)))
    elif cmd == "same":         # A B: the same events, the source field aside
        a, b = events(args[0]), events(args[1])
        strip = lambda evs: [{k: v for k, v in e.items() if k != "source"} for e in evs]
        if strip(a) != strip(b):
            for i, (x, y) in enumerate(zip(strip(a), strip(b))):
                if x == y:
                    continue
                keys = [k for k in x if x[k] != y[k]]
                msg = "event %d differs in %s" % (i + 1, keys)
                if "text" in keys:
                    tx, ty = x["text"], y["text"]
                    j = next((j for j in range(min(len(tx), len(ty))) if tx[j] != ty[j]), min(len(tx), len(ty)))
                    msg += ": texts of %d and %d chars part at %d: %r vs %r" % (
                        len(tx), len(ty), j, tx[max(0, j - 20):j + 40], ty[max(0, j - 20):j + 40])
                sys.exit(msg)
            sys.exit("%d events vs %d" % (len(a), len(b)))
    elif cmd == "sources":      # FILE SOURCE...: the sources in order of first appearance
        evs = events(args[0])
        order = []
        for e in evs:
            if e["source"] not in order:
                order.append(e["source"])
        if order != args[1:]:
            sys.exit("sources %s, want %s" % (order, args[1:]))
    elif cmd == "stats":        # FILE: one JSON document, totals that add up
        with open(args[0], "rb") as f:
            data = f.read().decode("utf-8")
        try:
            doc = json.loads(data)
        except Exception as e:
            sys.exit("not one JSON document: %s" % e)
        srcs, tot = doc["sources"], doc["total"]
        for key in ("lines", "events", "timed", "untimed", "blank", "continuation", "truncated", "context"):
            if sum(s[key] for s in srcs) != tot[key]:
                sys.exit("total %s is %d, the sources add up to %d" % (key, tot[key], sum(s[key] for s in srcs)))
        for s in srcs:
            if "error" not in s and s["lines"] != s["blank"] + s["events"] + s["continuation"] + s["context"]:
                sys.exit("%s: lines %d != blank + events + continuation + context" % (s["source"], s["lines"]))
            if s["events"] != s["timed"] + s["untimed"]:
                sys.exit("%s: events != timed + untimed" % s["source"])
        if len(args) > 1 and tot["events"] != int(args[1]):
            sys.exit("total events %d, want %s" % (tot["events"], args[1]))
    elif cmd == "statfield":    # FILE SOURCE_INDEX KEY: print a per-source field (-1: total)
        with open(args[0]) as f:
            doc = json.load(f)
        i = int(args[1])
        print((doc["total"] if i < 0 else doc["sources"][i])[args[2]])
    elif cmd == "plain":        # FILE: text output that is safe on a terminal
        with open(args[0], "rb") as f:
            data = f.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            sys.exit("text output is not valid UTF-8: %s" % e)
        bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or ord(c) == 0x7f]
        if bad:
            sys.exit("text output holds raw control characters: %r" % bad[:10])
    else:
        sys.exit("bad command " + cmd)

main()
PY
py() { python3 "$T/chk.py" "$@"; }

# ---- 1. the incident fixtures as JSON
cd "$SRC" || exit 2
st print --output json fixtures/incidents/*/
check "fixtures: exit status 0 (got $RC)" status_is 0
check "fixtures: nothing on stderr" err_empty
check "fixtures: every line is JSON with the eight keys" py jsonl "$OUT" 100
check "fixtures: untimed first, then times in order" py order "$OUT"
cp "$OUT" "$T/fixtures.json"
check "fixtures: ConfigMap replaced at 05:59:58" \
	py has "$OUT" 2024-12-08T05:59:58.000000Z "ConfigMap analytics-config replaced" null bracket
check "fixtures: exit status 126 at 02:00:03" py has "$OUT" 2024-10-02T02:00:03.000000Z "status=126" null iso8601
check "fixtures: Redis fork failure at 14:38:41.003" \
	py has "$OUT" 2024-09-12T14:38:41.003000Z "Can't save in background" warn redis
check "fixtures: stale reads at 03:22:18" py has "$OUT" 2024-12-15T03:22:18.000000Z "discarding stale reads" warn bracket
check "fixtures: refused query at 14:21:58" py has "$OUT" 2024-12-18T14:21:58.000000Z "10.0.50.11:5432 refused" error bracket
check "fixtures: etcd leadership transfer" py has "$OUT" 2024-12-15T03:22:14.000000Z "leadership transferred" warn json
check "fixtures: logfmt warning" py has "$OUT" 2024-09-12T14:38:18.000000Z "session store slow" warn logfmt
check "fixtures: terraform still creating at 09:00:01" py has "$OUT" 2024-12-15T09:00:01.000000Z "[45m elapsed]"
check "fixtures: the refused query (14:21:58) comes before the health checks (14:22:03)" \
	py before "$OUT" 2024-12-18T14:21:58.000000Z "10.0.50.11:5432 refused" 2024-12-18T14:22:03.000000Z
check "fixtures: metric samples dated by their scrape comment" \
	py has "$OUT" 2024-09-12T14:08:47.000000Z "redis_memory_used_bytes" null prometheus
check "fixtures: daily series dated by their date label" \
	py has "$OUT" 2024-12-08T00:00:00.000000Z "analytics_daily_revenue_usd{date=\"2024-12-08\"} 287412" null prometheus
check "fields: a metric's labels and how it was dated" \
	py field "$OUT" 2024-12-08T00:00:00.000000Z "analytics_daily_revenue_usd{" time_from '"label"'

check "fields: journal host" py field "$OUT" 2024-10-02T02:00:03.000000Z "status=126" host '"prod-batch-01"'
check "fields: journal program" py field "$OUT" 2024-10-02T02:00:03.000000Z "status=126" program '"systemd"'
check "fields: journal pid" py field "$OUT" 2024-10-02T02:00:03.000000Z "status=126" pid '"1"'
check "fields: JSON number kept a number" py field "$OUT" 2024-12-15T03:22:14.000000Z "leadership transferred" term 46
check "fields: JSON string" py field "$OUT" 2024-12-15T03:22:14.000000Z "leadership transferred" to '"3a57933972cb8131"'
check "fields: logfmt quoted value" py field "$OUT" 2024-09-12T14:38:18.000000Z "session store slow" msg '"session store slow"'
check "fields: logfmt bare value" py field "$OUT" 2024-09-12T14:38:18.000000Z "session store slow" latency_ms '"2340"'
check "fields: bracket tag" py field "$OUT" 2024-12-08T05:59:58.000000Z "ConfigMap analytics-config" tag '"k8s-deploy"'
check "fields: redis role" py field "$OUT" 2024-09-12T14:38:41.003000Z "Can't save" role '"master"'

st stats -o json fixtures/incidents/*/
check "stats: exit status 0" status_is 0
check "stats -o json: one JSON document whose totals add up" py stats "$OUT"
NEV=$(python3 -c 'import sys; print(sum(1 for _ in open(sys.argv[1])))' "$T/fixtures.json")
# print also shows the events *_timestamp_seconds samples give (stats: metrics.derived)
NDER=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["total"].get("metrics", {}).get("derived", 0))' "$OUT")
check "stats: total events ($NEV, $NDER of them derived) match print" py stats "$OUT" "$((NEV - NDER))"

st print fixtures/incidents/dr-not-ready
check "text output: exit status 0" status_is 0
check "text output: the time column" out_has "2024-12-18T14:21:58.000Z"
check "text output: the level column" out_has "ERROR   [2024-12-18T14:21:58Z]"

# the same fixtures read from standard input (a pipe: copied, not mapped)
st print -o json fixtures/incidents/dr-not-ready/api-server.log
cp "$OUT" "$T/file.json"
cat fixtures/incidents/dr-not-ready/api-server.log | "$BIN" print -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -o json - (pipe)"
check "stdin pipe: the same events as the file" py same "$T/file.json" "$OUT"

# ---- 2. sources that cannot be read
printf '2024-01-01T00:00:00Z good line\n' >"$T/good.log"
st print -o json "$T/good.log" "$T/missing.log"
check "missing file: exit status 1 (got $RC)" status_is 1
check "missing file: stderr names it" err_has "$T/missing.log"
check "missing file: the good file is printed" py has "$OUT" 2024-01-01T00:00:00.000000Z "good line"

st stats -o json "$T/good.log" "$T/missing.log"
check "missing file: stats exit status 1" status_is 1
check "missing file: stats is still one JSON document" py stats "$OUT"

if [ "$(id -u)" -ne 0 ]; then
	printf '2024-01-01T00:00:00Z secret\n' >"$T/unreadable.log"
	chmod 000 "$T/unreadable.log"
	st print -o json "$T/good.log" "$T/unreadable.log"
	check "unreadable file: exit status 1 (got $RC)" status_is 1
	check "unreadable file: stderr names it" err_has "$T/unreadable.log"
	check "unreadable file: the good file is printed" py has "$OUT" 2024-01-01T00:00:00.000000Z "good line"
	chmod 600 "$T/unreadable.log"
else
	echo "skip: unreadable file (running as root, which reads anything)"
fi

mkdir -p "$T/dir/sub" "$T/empty"
printf '2024-01-01T00:00:02Z in a\n' >"$T/dir/a.log"
printf '2024-01-01T00:00:01Z in b\n' >"$T/dir/sub/b.log"
printf '2024-01-01T00:00:03Z hidden\n' >"$T/dir/.hidden.log"
printf '2024-01-01T00:00:04Z readme\n' >"$T/dir/README.md"
st print -o json "$T/dir"
check "directory: exit status 0" status_is 0
check "directory: its files are read" py count "$OUT" 2
check "directory: a nested file" py has "$OUT" 2024-01-01T00:00:01.000000Z "in b"
check "directory: source paths under it" py sources "$OUT" "$T/dir/sub/b.log" "$T/dir/a.log"
check "directory: hidden and README files skipped" sh -c '! grep -q -e hidden -e readme "$1"' sh "$OUT"
st print -o json "$T/empty"
check "empty directory: stderr says so" err_has "no files in this directory"
check "empty directory: exit status 0 (got $RC)" status_is 0

# ---- 3. binary garbage and invalid UTF-8
head -c 100000 /dev/urandom >"$T/garbage.bin"
python3 -c '
import random, sys
r = random.Random(1234)
sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(100000)))' >"$T/garbage-fixed.bin"
for g in garbage.bin garbage-fixed.bin; do
	FAIL0=$FAIL
	st print -o json "$T/$g"
	RCJ=$RC
	check "$g: JSON run exits 0 or 1 (got $RCJ)" test "$RCJ" -le 1
	check "$g: JSON output is valid JSON in UTF-8" py jsonl "$OUT" 1
	st print --color never "$T/$g"
	check "$g: text run exits 0 or 1 (got $RC)" test "$RC" -le 1
	check "$g: text output shows \\x escapes" out_has '\x'
	check "$g: no raw control bytes in text output" py plain "$OUT"
	cat "$T/$g" | "$BIN" print -o json - >"$OUT" 2>"$ERR"
	RC=$?
	sanitized "print -o json - <$g"
	check "$g through a pipe: valid JSON" py jsonl "$OUT" 1
	st stats -o json "$T/$g"
	check "$g: stats is one JSON document" py stats "$OUT"
	if [ "$FAIL" -gt "$FAIL0" ] && cp "$T/$g" "$KEEP/e2e-$g" 2>/dev/null; then
		echo "    (the input is kept as $KEEP/e2e-$g)"
	fi
done

printf '2024-01-01T00:00:00Z bad \377 byte, overlong \300\200, surrogate \355\240\200, cut \344\270\n2024-01-01T00:00:01Z ok caf\303\251 \344\270\226\347\225\214 \360\237\230\200\n2024-01-01T00:00:02Z esc \033[31m red, nul \000 end\n' >"$T/utf8.log"
st print -o json "$T/utf8.log"
check "invalid UTF-8: exit status 0" status_is 0
check "invalid UTF-8: valid JSON in UTF-8" py jsonl "$OUT" 3
check "invalid UTF-8: \\xff escaped in JSON" out_has 'bad \\xff byte, overlong \\xc0\\x80, surrogate \\xed\\xa0\\x80, cut \\xe4\\xb8'
check "invalid UTF-8: valid UTF-8 kept in JSON" py has "$OUT" 2024-01-01T00:00:01.000000Z "ok café 世界 😀"
check "invalid UTF-8: control bytes as \\u00HH in JSON" out_has 'esc \u001b[31m red, nul \u0000 end'
st print --color never "$T/utf8.log"
check "invalid UTF-8: \\xHH in text" out_has 'bad \xff byte, overlong \xc0\x80, surrogate \xed\xa0\x80, cut \xe4\xb8'
check "invalid UTF-8: UTF-8 kept in text" out_has 'ok café 世界 😀'
check "invalid UTF-8: escape and NUL as \\xHH in text" out_has 'esc \x1b[31m red, nul \x00 end'
check "invalid UTF-8: no raw control bytes in text" py plain "$OUT"

# ---- 4. long lines
python3 -c '
import sys
sys.stdout.write("x" * (2 << 20) + "\n2024-01-01T00:00:01Z next line\n")' >"$T/long.log"
st print -o json "$T/long.log"
check "long line: exit status 0" status_is 0
check "long line: cut to 1048576 bytes" test "$(py get "$OUT" 0 text len)" = 1048576
check "long line: the next line is present, with its time" \
	py has "$OUT" 2024-01-01T00:00:01.000000Z "next line"
st stats -o json "$T/long.log"
check "long line: stats counts 1 truncated" test "$(py statfield "$OUT" 0 truncated)" = 1
st print --color never "$T/long.log"
check "long line: text output marks it [truncated]" out_has "[truncated]"
cat "$T/long.log" | "$BIN" print -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -o json - <long.log"
check "long line through a pipe: cut to 1048576 bytes" test "$(py get "$OUT" 0 text len)" = 1048576
check "long line through a pipe: the next line has its time" \
	py has "$OUT" 2024-01-01T00:00:01.000000Z "next line"

# a long continuation line: the record is flagged, the lines after it kept
python3 -c '
import sys
sys.stdout.write("2024-01-01T00:00:00Z ERROR first\n\tat " + "x" * (2 << 20) + "\n\tat end of trace\n2024-01-01T00:00:01Z next line\n")' >"$T/longcont.log"
st print --color never "$T/longcont.log"
check "long continuation line: text output marks the record [truncated]" out_has "[truncated]"
st print -o json "$T/longcont.log"
check "long continuation line: the line after it stays in the record" \
	py has "$OUT" 2024-01-01T00:00:00.000000Z "at end of trace"
cp "$OUT" "$T/longcont-file.json"
cat "$T/longcont.log" | "$BIN" print -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -o json - <longcont.log"
check "long continuation line: a file and a pipe give the same events" py same "$T/longcont-file.json" "$OUT"

# a line of exactly 1 MiB is not cut
python3 -c '
import sys
sys.stdout.write("2024-01-01T00:00:00Z " + "y" * ((1 << 20) - 21) + "\n2024-01-01T00:00:01Z next line\n")' >"$T/exact.log"
st stats -o json "$T/exact.log"
check "1 MiB line from a file: not counted as truncated" test "$(py statfield "$OUT" 0 truncated)" = 0
cat "$T/exact.log" | "$BIN" stats -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "stats -o json - <exact.log"
check "1 MiB line through a pipe: not counted as truncated" test "$(py statfield "$OUT" 0 truncated)" = 0

# CRLF and blank lines: a file and a pipe agree
printf '2024-01-01T00:00:00Z ERROR boom\r\n\tat a\r\n\r\n\tat b\r\n2024-01-01T00:00:01Z ok\r\n\r\n' >"$T/crlf.log"
st print -o json "$T/crlf.log"
cp "$OUT" "$T/crlf-file.json"
check "CRLF: the record keeps its lines, without CR" \
	py has "$OUT" 2024-01-01T00:00:00.000000Z "2024-01-01T00:00:00Z ERROR boom
	at a

	at b"
cat "$T/crlf.log" | "$BIN" print -o json - >"$OUT" 2>"$ERR"
RC=$?
check "CRLF: a file and a pipe give the same events" py same "$T/crlf-file.json" "$OUT"
st print --color never "$T/crlf.log"
check "CRLF: no CR in text output" py plain "$OUT"

# ---- 5. standard input
printf '2024-01-01T00:00:00Z a\n' | "$BIN" print -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -o json - (printf)"
check "stdin: exit status 0" status_is 0
check "stdin: source is -" test "$(py get "$OUT" 0 source)" = "-"
check "stdin: the event" py has "$OUT" 2024-01-01T00:00:00.000000Z "a"
"$BIN" print -o json - <"$T/good.log" >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -o json - <file"
check "stdin from a file: source is -" test "$(py get "$OUT" 0 source)" = "-"
check "stdin from a file: the event" py has "$OUT" 2024-01-01T00:00:00.000000Z "good line"
"$BIN" print -o json - <&- >"$OUT" 2>"$ERR"
RC=$?
sanitized "print - <&-"
check "closed stdin: exit status 1 (got $RC)" status_is 1
check "closed stdin: stderr says so" err_has "standard input"

# ---- 6. filters, zones and usage errors
D=fixtures/incidents
st print -o json "$D"/*/
cp "$OUT" "$T/all.json"
st print -o json --since 2024-12-08T00:00:00Z "$D"/*/
check "--since narrows to events at or after it" py filtered "$T/all.json" "$OUT" since 2024-12-08T00:00:00.000000Z
st print -o json --until 2024-10-02T02:00:03Z "$D"/*/
check "--until narrows to events at or before it" py filtered "$T/all.json" "$OUT" until 2024-10-02T02:00:03.000000Z
st print -o json --since 1727830803 "$D"/*/
check "--since takes epoch seconds" py filtered "$T/all.json" "$OUT" since 2024-10-02T01:00:03.000000Z
st print -o json --level warn "$D"/*/
check "--level warn keeps warn and above" py filtered "$T/all.json" "$OUT" level warn
st print -o json -l ERROR "$D"/*/
check "-l ERROR keeps error and above" py filtered "$T/all.json" "$OUT" level error
st print -o json -e 'OOMKilled|fork' "$D"/*/
check "-e keeps matching events" py filtered "$T/all.json" "$OUT" regex 'OOMKilled|fork'
st print -o json --since 2024-12-08T00:00:00Z --until 2024-12-10T06:00:05Z "$D/job-succeeded-wrong"
# 5 log lines, and the revenue and input samples dated 12-08 and 12-09 by their date label
check "--since and --until together (both bounds included)" py count "$OUT" 9

printf '2024-07-01 12:00:00 x\n2024-01-15 12:00:00 y\n2024-07-01T12:00:00Z z\n' >"$T/zoneless.log"
st print -o json --assume-tz Europe/Berlin "$T/zoneless.log"
check "--assume-tz Europe/Berlin: summer" py has "$OUT" 2024-07-01T10:00:00.000000Z "x"
check "--assume-tz Europe/Berlin: winter" py has "$OUT" 2024-01-15T11:00:00.000000Z "y"
check "--assume-tz: a stamp with a zone keeps it" py has "$OUT" 2024-07-01T12:00:00.000000Z "z"
st print -o json --assume-tz +05:30 "$T/zoneless.log"
check "--assume-tz +05:30" py has "$OUT" 2024-07-01T06:30:00.000000Z "x"
st print -o json --assume-tz Europe/Berlin --since 2024-07-01T12:30:00 "$T/zoneless.log"
check "--since without a zone is read in --assume-tz (10:30Z: one event)" py count "$OUT" 1

st print --assume-tz Mars/Olympus "$T/good.log"
check "bad zone: exit status 2 (got $RC)" status_is 2
check "bad zone: stderr names it" err_has "Mars/Olympus"
check "bad zone: nothing printed" test ! -s "$OUT"
st print --assume-tz ../../etc/passwd "$T/good.log"
check "zone path outside the zone directory: exit status 2" status_is 2
st print --since yesterday "$T/good.log"
check "bad --since: exit status 2 (got $RC)" status_is 2
check "bad --since: stderr names it" err_has "yesterday"
st print --until 2024-13-01 "$T/good.log"
check "bad --until: exit status 2" status_is 2
st print -e '(' "$T/good.log"
check "bad -e pattern: exit status 2 (got $RC)" status_is 2
check "bad -e pattern: a message" err_has "-e"
st print --frobnicate "$T/good.log"
check "unknown option: exit status 2 (got $RC)" status_is 2
check "unknown option: a message" test -s "$ERR"
st print -l loud "$T/good.log"
check "bad level: exit status 2" status_is 2
check "bad level: stderr names it" err_has "loud"
st print -o yaml "$T/good.log"
check "bad output format: exit status 2" status_is 2
st print
check "no sources: exit status 2" status_is 2
check "no sources: a message" err_has "no sources"
st --color sometimes "$T/good.log"
check "bad --color: exit status 2" status_is 2

# ---- 7. stats, version, help
st stats -o json "$D/session-store-dying"
check "stats -o json: exit status 0" status_is 0
check "stats -o json: one JSON document" py stats "$OUT"
check "stats -o json: per-source lines" test "$(py statfield "$OUT" 0 lines)" -gt 0
check "stats -o json: a total" test "$(py statfield "$OUT" -1 events)" -gt 0
st stats "$D/session-store-dying"
check "stats text: exit status 0" status_is 0
check "stats text: a total row" out_has "total"
check "stats text: the formats" out_has "logfmt"
st --version
check "--version: exit status 0" status_is 0
check "--version: prints the version" out_has "strata "
st -V
check "-V: exit status 0" status_is 0
st --help
check "--help: exit status 0" status_is 0
check "--help: the usage" out_has "usage: strata"
st help
check "help command: exit status 0" status_is 0

# ---- 8. years, order of equal times, output errors
printf 'Dec 31 23:59:59 h p: x\nJan  1 00:00:01 h p: y\n' >"$T/yearless.log"
touch -d 2025-01-02T00:00:00Z "$T/yearless.log"
st print -o json "$T/yearless.log"
check "year-less: December read in January is last year" py has "$OUT" 2024-12-31T23:59:59.000000Z "x" null syslog
check "year-less: January is this year" py has "$OUT" 2025-01-01T00:00:01.000000Z "y"

printf '2024-01-01T00:00:00Z from b 1\n2024-01-01T00:00:00Z from b 2\n' >"$T/b.log"
printf '2024-01-01T00:00:00Z from a\n' >"$T/a.log"
st print -o json "$T/b.log" "$T/a.log"
check "equal times: sources in command-line order" py sources "$OUT" "$T/b.log" "$T/a.log"
check "equal times: file order within a source" test "$(py get "$OUT" 1 text)" = "2024-01-01T00:00:00Z from b 2"

if [ -w /dev/full ]; then
	"$BIN" print "$T/good.log" >/dev/full 2>"$ERR"
	RC=$?
	sanitized "print >/dev/full"
	check "unwritable output: exit status 1 (got $RC)" status_is 1
	check "unwritable output: a message" err_has "cannot write"
fi

# ---- 9. user formats: format files, strata formats, formats --explain
cat >"$T/pay.format" <<'EOF'
# the payments API's own log shape
[format payments-api]
title   = payments API "PAY 2024-03-01 10:00:00.123 +0100 [txn=abc123] E charge failed"
pattern = PAY (?<ts>\S+ \S+ [+-]\d{4}) \[txn=(?<txn>[^\]]*)\] (?<level>[A-Z]) (?<body>.*)
time    = %Y-%m-%d %H:%M:%S.%f %z
level I = info
level W = warn
level E = error
sample 2024-03-01T09:00:00.123Z error = PAY 2024-03-01 10:00:00.123 +0100 [txn=abc123] E charge failed
reject  = PAY 2024-03-01 [txn=abc123] E no time
EOF
printf '%s\n' \
	'PAY 2024-03-01 10:00:00.123 +0100 [txn=abc123] E charge failed: card declined' \
	'PAY 2024-03-01 10:00:00.450 +0100 [txn=abc123] I retry scheduled in 30s' \
	'  retry policy: exponential' \
	'PAY 2024-03-01 10:00:30.452 -0500 [txn=def456] W retry 1 of 3' >"$T/pay.log"
st print -o json --formats "$T/pay.format" "$T/pay.log"
check "--formats: exit status 0 (got $RC)" status_is 0
check "--formats: valid JSON lines" py jsonl "$OUT" 3
check "--formats: time with its offset, level from the map" \
	py has "$OUT" 2024-03-01T09:00:00.123000Z "card declined" error payments-api
check "--formats: continuation line joined" py has "$OUT" 2024-03-01T09:00:00.450000Z "retry policy" info
check "--formats: a negative offset" py has "$OUT" 2024-03-01T15:00:30.452000Z "retry 1 of 3" warn
check "--formats: a named group is a field" \
	py field "$OUT" 2024-03-01T15:00:30.452000Z "retry 1 of 3" txn '"def456"'
check "--formats: no stderr" err_empty
st stats --formats "$T/pay.format" "$T/pay.log"
check "--formats with stats: the format named" out_has "payments-api"

# a broken sample: refused before anything is read, with the file and line
sed 's/^sample .*/sample 2024-03-01T09:00:00.123Z = PAY 2024-03-01 10:00:00.123 +0100 txn=abc123 E charge failed/' \
	"$T/pay.format" >"$T/broken.format"
st print --formats "$T/broken.format" "$T/pay.log"
check "broken sample: exit status 2 (got $RC)" status_is 2
check "broken sample: FILE:LINE and the reason" err_has "broken.format:9: sample does not read: the pattern does not match"
check "broken sample: where the pattern stops" err_has "then stops at byte 34"
check "broken sample: nothing printed" test ! -s "$OUT"
st formats --formats "$T/broken.format"
check "broken sample, formats command: exit status 2" status_is 2
printf '[format x]\npattern = (?<ts>\\d+\ntime = %%s\nsample = 1\n' >"$T/badre.format"
st --formats "$T/badre.format" "$T/pay.log"
check "bad pattern: exit status 2" status_is 2
check "bad pattern: pcre2's message and offset" err_has "badre.format:2: pattern: missing closing parenthesis at offset"
st --formats "$T/missing.format" "$T/pay.log"
check "missing format file: exit status 2" status_is 2
check "missing format file: named" err_has "missing.format: cannot read the format file"

# strata formats lists built-in and user formats
st formats --formats "$T/pay.format"
check "formats: exit status 0" status_is 0
check "formats: the user format with FILE:LINE" out_has "pay.format:2"
check "formats: the user format first" test "$(sed -n 2p "$OUT" | cut -d' ' -f1)" = payments-api
check "formats: built-ins" out_has "built-in"
check "formats: its title" out_has 'payments API "PAY'
st formats -o json --formats "$T/pay.format"
check "formats -o json: exit status 0" status_is 0
check "formats -o json: one document, user format first" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["formats"]
assert f[0] == {"name": "payments-api", "from": sys.argv[2] + ":2", "builtin": False,
                "title": "payments API \"PAY 2024-03-01 10:00:00.123 +0100 [txn=abc123] E charge failed\""}, f[0]
assert all(x["builtin"] and x["from"] == "built-in" for x in f[1:])
assert len({x["name"] for x in f}) == len(f)
' "$OUT" "$T/pay.format"

# the default directory: $XDG_CONFIG_HOME/strata/formats/*.format
mkdir -p "$T/config/strata/formats"
cp "$T/pay.format" "$T/config/strata/formats/pay.format"
cp "$T/broken.format" "$T/config/strata/formats/broken.format.bak"
st print -o json "$T/pay.log"
check "formats directory: exit status 0 (got $RC)" status_is 0
check "formats directory: read without --formats" py has "$OUT" 2024-03-01T09:00:00.123000Z "card declined" error payments-api
st formats
check "formats directory: listed with its path" out_has "$T/config/strata/formats/pay.format:2"
st formats --formats "$T/pay.format"
check "same name twice: exit status 2" status_is 2
check "same name twice: where the other is" err_has "format payments-api is already defined ($T/pay.format:2)"
rm -r "$T/config/strata"

# --explain on a file of mixed formats
printf '%s\n' \
	'Oct  2 02:00:03 web-07 nginx[311]: upstream timed out' \
	'2024-10-02T02:00:05Z ERROR disk full on /var/lib/app' \
	'{"level":"warn","ts":"2024-10-02T02:00:06.250Z","msg":"slow query","ms":812}' \
	'W1002 02:00:07.123456       1 lease.go:88] lease renewal late' \
	'2024-10-02T02:00:08.5+00:00 INFO recovered' \
	'Oct  2 02:00:09 web-07 sshd[90]: session closed' \
	'PAY 2024-10-02 04:00:10.000 +0200 [txn=q9] E charge failed' \
	'	at com.example.Pay.charge(Pay.java:42)' \
	'PAY 2024-10-02 04:00:11,000 +0200 [txn=q9] E comma' >"$T/mixed.log"
touch -d 2024-10-03T00:00:00Z "$T/mixed.log"
st formats --formats "$T/pay.format" --explain "$T/mixed.log"
check "explain: exit status 0 (got $RC)" status_is 0
check "explain: detection" out_has "detection: generic reads"
# the line after "line N:" says what strata makes of line N
pick() { awk -v h="line $1:" 'index($0, h) == 1 { getline; print; exit }' "$OUT"; }
check "explain: line 1 syslog, read as generic" test "$(pick 1)" = "  strata: generic, 2024-10-02T02:00:03.000000Z, level none"
check "explain: line 3 json" test "$(pick 3)" = "  strata: json, 2024-10-02T02:00:06.250000Z, level warn"
check "explain: line 4 klog" test "$(pick 4)" = "  strata: klog, 2024-10-02T02:00:07.123456Z, level warn"
check "explain: line 5 iso8601" test "$(pick 5)" = "  strata: iso8601, 2024-10-02T02:00:08.500000Z, level info"
check "explain: line 6 syslog" test "$(pick 6)" = "  strata: syslog, 2024-10-02T02:00:09.000000Z, level none"
check "explain: line 7 the user format" test "$(pick 7)" = "  strata: payments-api, 2024-10-02T02:00:10.000000Z, level error"
check "explain: line 8 a continuation" test "$(pick 8)" = "  strata: continues the record of line 7 (no format it tries reads it)"
check "explain: the user format's fields" out_has "  fields: txn=q9"
check "explain: the layout's complaint" out_has "does not read as '%Y-%m-%d %H:%M:%S.%f %z': byte 19: the layout wants '.' here, not ',000 +0200'"
check "explain: ten lines by default, all nine here" test "$(grep -c '^line ' "$OUT")" -eq 9
st formats --formats "$T/pay.format" --explain "$T/mixed.log" -n 2
check "explain -n 2: two lines" test "$(grep -c '^line ' "$OUT")" -eq 2
st formats --formats "$T/pay.format" --explain "$T/mixed.log" -o json
check "explain -o json: exit status 0" status_is 0
check "explain -o json: a header, then the format of each line and who reads it" python3 -c '
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
h = docs[0]
assert h["detection"]["format"] == "generic" and h["detection"]["lines"] == 9, h
assert h["detection"]["every_format"]["payments-api"] == 1, h
lines = {d["line"]: d for d in docs[1:]}
want = {1: "generic", 2: "generic", 3: "json", 4: "klog", 5: "iso8601", 6: "syslog", 7: "payments-api"}
for n, f in want.items():
    assert lines[n]["strata"]["format"] == f, (n, lines[n]["strata"])
assert "syslog" in [r["format"] for r in lines[1]["read_by"]]
assert "iso8601" in [r["format"] for r in lines[2]["read_by"]]
assert lines[7]["strata"]["fields"] == {"txn": "q9"}
assert lines[8]["strata"] == {"continues": 7}
why = {r["format"]: r["why"] for r in lines[9]["not_read_by"]}
assert why["payments-api"].startswith("the pattern matches, but ts"), why
assert why["syslog"] == "no match"
' "$OUT"
st formats --formats "$T/pay.format" --explain - -n 3 <"$T/mixed.log"
check "explain -: standard input" test "$(pick 3)" = "  strata: json, 2024-10-02T02:00:06.250000Z, level warn"
st formats --explain "$T/nope.log"
check "explain a missing file: exit status 1" status_is 1
check "explain a missing file: named" err_has "nope.log"
st print --explain "$T/mixed.log" "$T/mixed.log"
check "--explain without formats: exit status 2" status_is 2
st formats "$T/mixed.log"
check "formats with a source: exit status 2" status_is 2
st formats --explain "$T/mixed.log" -n 0
check "explain -n 0: exit status 2" status_is 2

# ---- 10. compressed sources: gzip and zstd, by their magic bytes
cd "$SRC" || exit 2
Z=$T/compressed
mkdir -p "$Z"
# every fixture file compressed, in the same directory layout: the same
# events as the plain files (the source names aside)
st print -o json fixtures/incidents/
cp "$OUT" "$Z/plain.json"
cp -Rp fixtures/incidents "$Z/gz"
find "$Z/gz" -type f ! -name 'README*' -exec gzip -n {} +
st print -o json "$Z/gz"
check "gzip: exit status 0 (got $RC)" status_is 0
check "gzip: nothing on stderr" err_empty
check "gzip: the same events as the plain fixtures" py same "$Z/plain.json" "$OUT"
if command -v zstd >/dev/null 2>&1; then
	cp -Rp fixtures/incidents "$Z/zst"
	find "$Z/zst" -type f ! -name 'README*' -exec zstd -q --rm {} +
	st print -o json "$Z/zst"
	check "zstd: exit status 0 (got $RC)" status_is 0
	check "zstd: nothing on stderr" err_empty
	check "zstd: the same events as the plain fixtures" py same "$Z/plain.json" "$OUT"
	# two frames one after the other
	F=fixtures/incidents/dr-not-ready/api-server.log
	cat "$F" "$F" >"$Z/twice.log"
	st print -o json "$Z/twice.log"
	cp "$OUT" "$Z/twice.json"
	{ zstd -q -c "$F"; zstd -q -c "$F"; } >"$Z/twice.zst"
	st print -o json "$Z/twice.zst"
	check "zstd: concatenated frames all read" py same "$Z/twice.json" "$OUT"
else
	echo "e2e.sh: zstd is not installed (scripts/install-deps installs it): .zst checks skipped"
fi

# concatenated gzip members (cat a.gz b.gz), and standard input
F=fixtures/incidents/dr-not-ready/api-server.log
st print -o json "$F"
cp "$OUT" "$Z/api.json"
gzip -c "$F" >"$Z/api.log.gz"
{ head -n 3 "$F" | gzip -c; tail -n +4 "$F" | gzip -c; } >"$Z/members.gz"
st print -o json "$Z/members.gz"
check "gzip members: exit status 0" status_is 0
check "gzip members: all read, as one file" py same "$Z/api.json" "$OUT"
cat "$Z/api.log.gz" | "$BIN" print -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -o json - (gzip pipe)"
check "gzip pipe: exit status 0" status_is 0
check "gzip pipe: the same events as the plain file" py same "$Z/api.json" "$OUT"
st print -o json - <"$Z/api.log.gz"
check "gzip redirected to stdin: the same events" py same "$Z/api.json" "$OUT"
# a pipe that delivers the magic a byte at a time, then waits
(printf '\037'; sleep 0.2; printf '\213'; sleep 0.2; tail -c +3 "$Z/api.log.gz") |
	"$BIN" print -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -o json - (slow gzip pipe)"
check "gzip slow pipe: the same events" py same "$Z/api.json" "$OUT"
cp "$Z/api.log.gz" "$Z/api-renamed"
st print -o json "$Z/api-renamed"
check "gzip without its extension: found by its magic" py same "$Z/api.json" "$OUT"
if mkfifo "$Z/fifo" 2>/dev/null; then
	cat "$Z/api.log.gz" >"$Z/fifo" &
	st print -o json "$Z/fifo"
	wait
	check "gzip through a named pipe: the same events" py same "$Z/api.json" "$OUT"
fi
st stats -o json "$Z/api.log.gz"
NEV=$(python3 -c 'import sys; print(sum(1 for _ in open(sys.argv[1])))' "$Z/api.json")
check "gzip stats: the same event count ($NEV) as the plain file" test "$(py statfield "$OUT" 0 events)" = "$NEV"

# truncated and corrupt: the events before the damage, a message, status 1
awk 'BEGIN { for (i = 1; i <= 30000; i++)
	printf "2024-05-01T%02d:%02d:%02dZ web%d app[7]: request %d served in %d ms\n",
	       i / 3600 % 24, i / 60 % 60, i % 60, i % 5, i, (i * 37) % 900 }' >"$Z/big.log"
gzip -c "$Z/big.log" >"$Z/big.log.gz"
head -c "$(( $(wc -c <"$Z/big.log.gz") / 2 ))" "$Z/big.log.gz" >"$Z/cut.log.gz"
st print -o json "$Z/cut.log.gz"
check "truncated gzip: exit status 1 (got $RC)" status_is 1
check "truncated gzip: the message names the file" err_has "cut.log.gz: gzip: compressed data ends early (truncated)"
check "truncated gzip: the events before the cut, in order, none after" python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
n = [int(e["text"].split("request ")[1].split()[0]) for e in evs]
assert 1000 < len(n) < 30000 and n == list(range(1, len(n) + 1)), (len(n), n[:3], n[-3:])
' "$OUT"
cp "$Z/big.log.gz" "$Z/bad.log.gz"
printf 'garbage!' | dd of="$Z/bad.log.gz" bs=1 seek=4000 conv=notrunc 2>/dev/null
st print -o json "$Z/bad.log.gz"
check "corrupt gzip: exit status 1 (got $RC)" status_is 1
check "corrupt gzip: the message names the file and zlib's reason" \
	grep -q -E 'bad.log.gz: gzip: .*: corrupt compressed data' "$ERR"
st print -o json "$Z/bad.log.gz" "$F"
check "corrupt gzip: the other sources are still read" py has "$OUT" 2024-12-18T14:21:58.000000Z "10.0.50.11:5432 refused"
head -c 100 "$Z/big.log.gz" | "$BIN" print - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print - (truncated gzip pipe)"
check "truncated gzip pipe: exit status 1 (got $RC)" status_is 1
check "truncated gzip pipe: a message" err_has "-: gzip: compressed data ends early"
if command -v zstd >/dev/null 2>&1; then
	zstd -q -c "$Z/big.log" | head -c 50000 >"$Z/cut.log.zst"
	st print -o json "$Z/cut.log.zst"
	check "truncated zstd: exit status 1 (got $RC)" status_is 1
	check "truncated zstd: the message names the file" err_has "cut.log.zst: zstd: compressed data ends early"
	check "truncated zstd: some events before the cut" py jsonl "$OUT" 100
fi

# a name that promises gzip, plain text inside: read as text, with a note
cp "$F" "$Z/plain.log.gz"
st print -o json "$Z/plain.log.gz"
check "plain .gz: exit status 0" status_is 0
check "plain .gz: read as text" py same "$Z/api.json" "$OUT"
check "plain .gz: a note says so" err_has "plain.log.gz: not gzip data despite its name"
# an empty .gz is an empty file
: >"$Z/empty.log.gz"
st print "$Z/empty.log.gz"
check "empty .gz: exit status 0" status_is 0

# rotated logs: app.log, app.log.1, app.log.2.gz with year-less stamps,
# each dated by its own mtime (the compressed file's for .gz), merged
mkdir "$Z/rot"
printf 'Dec 30 23:00:00 h app: oldest, rotated twice\nDec 31 08:00:00 h app: older, rotated twice\n' |
	gzip -c >"$Z/rot/app.log.2.gz"
printf 'Dec 31 12:00:00 h app: rotated once\nDec 31 23:59:59 h app: last of the year\n' >"$Z/rot/app.log.1"
printf 'Jan  1 00:00:01 h app: new year\nJan  1 09:30:00 h app: newest\n' >"$Z/rot/app.log"
touch -d 2024-12-31T09:00:00Z "$Z/rot/app.log.2.gz"
touch -d 2025-01-01T00:00:00Z "$Z/rot/app.log.1"
touch -d 2025-01-01T10:00:00Z "$Z/rot/app.log"
st print -o json "$Z/rot"
check "rotated: exit status 0" status_is 0
check "rotated: six events" py count "$OUT" 6
check "rotated: in time order" py order "$OUT"
check "rotated: the oldest first, from the .gz" py sources "$OUT" "$Z/rot/app.log.2.gz" "$Z/rot/app.log.1" "$Z/rot/app.log"
check "rotated: the .gz dated by its mtime" py has "$OUT" 2024-12-30T23:00:00.000000Z "oldest, rotated twice"
check "rotated: January after December" py has "$OUT" 2025-01-01T00:00:01.000000Z "new year"

# ---- block records: journalctl -o export, from a file (mapped) and a pipe
J=$T/journal
mkdir "$J"
{
	printf '__CURSOR=s=a1;i=1;b=b2;m=10;t=60a24181e4000;x=1\n__REALTIME_TIMESTAMP=1700000000000000\n'
	printf 'PRIORITY=6\n_HOSTNAME=build-7\nSYSLOG_IDENTIFIER=backup\nMESSAGE=snapshot started\n\n'
	printf '__CURSOR=s=a1;i=2;b=b2;m=11;t=60a2418b6d680;x=2\n__REALTIME_TIMESTAMP=1700000010000000\n'
	printf 'PRIORITY=3\n_HOSTNAME=build-7\nCOREDUMP\n\026\0\0\0\0\0\0\0two\n\nlines=and a blank\n'
	printf 'MESSAGE=snapshot failed\n\n'
	printf '__REALTIME_TIMESTAMP=1700000005000000\nPRIORITY=4\nMESSAGE=disk almost full\n'
} >"$J/entries.export"
st print -o json "$J/entries.export"
check "journal export: exit status 0" status_is 0
check "journal export: three events, in time order" py count "$OUT" 3
check "journal export: in time order" py order "$OUT"
check "journal export: the failure, with its binary field" \
	py has "$OUT" 2023-11-14T22:13:30.000000Z "MESSAGE=snapshot failed" error journal-export
check "journal export: the last entry, without its blank line" \
	py has "$OUT" 2023-11-14T22:13:25.000000Z "disk almost full" warn journal-export
check "journal export: fields" py field "$OUT" 2023-11-14T22:13:20.000000Z "snapshot started" program '"backup"'
cp "$OUT" "$J/file.json"
cat "$J/entries.export" | "$BIN" print -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -o json - (journal export pipe)"
check "journal export: a pipe gives the same events" py count "$OUT" 3

# time-of-day stamps take their date from the file's mtime (strace -tt)
printf '23:59:58.000001 openat(AT_FDCWD, "/etc/x", O_RDONLY) = 3\n00:00:01.500000 read(3, "", 4096) = 0\n' \
	>"$J/trace.log"
touch -d 2025-01-01T00:30:00Z "$J/trace.log"
st print -o json "$J/trace.log"
check "strace: the line before midnight is from the day before" \
	py has "$OUT" 2024-12-31T23:59:58.000001Z "openat" null strace
check "strace: the line after midnight is from the mtime's day" \
	py has "$OUT" 2025-01-01T00:00:01.500000Z "read(3" null strace

# metric dumps: a sample's own timestamp, a date label, the latest scrape
# comment, else the file's mtime -- and a comment dates only what follows it
printf 'up 1\n# scraped at 2024-05-01T12:00:00Z\nup 0\nbuild_info{date="2024-04-30"} 1\nhits_total 7 1714564800000\n' \
	>"$J/dump.prom"
touch -d 2024-06-01T00:00:00Z "$J/dump.prom"
st print -o json "$J/dump.prom"
check "prometheus: a sample before any scrape comment takes the mtime" \
	py has "$OUT" 2024-06-01T00:00:00.000000Z "up 1" null prometheus
check "prometheus: a sample after the comment takes its time" \
	py has "$OUT" 2024-05-01T12:00:00.000000Z "up 0" null prometheus
check "prometheus: a date label dates the sample" \
	py has "$OUT" 2024-04-30T00:00:00.000000Z "build_info" null prometheus
check "prometheus: a sample's own timestamp (ms) wins" \
	py has "$OUT" 2024-05-01T12:00:00.000000Z "hits_total 7" null prometheus
check "prometheus: samples are metric events" py field "$OUT" 2024-04-30T00:00:00.000000Z build_info time_from '"label"'

# --field filters on the fields print -o json shows
cd "$SRC" || exit 2
st print -o json --field program=systemd fixtures/incidents/service-wont-start
check "--field: exit status 0" status_is 0
check "--field program=systemd: the five systemd lines" py count "$OUT" 5
st print -o json -F term=46 -F level=warn fixtures/incidents/cluster-disagrees
check "-F twice: both must hold (a JSON number, a JSON string)" py count "$OUT" 1
st print -o json -F metric=analytics_rollup_input_records fixtures/incidents/job-succeeded-wrong
check "-F on metric samples" py count "$OUT" 3
st print -o json -F no_such_field fixtures/incidents/job-succeeded-wrong
check "-F KEY alone: the key must be there" py count "$OUT" 0
st print -F =x fixtures/incidents/job-succeeded-wrong
check "-F with no key is a usage error" status_is 2

# formats --explain reads a compressed file decompressed
gzip -c fixtures/incidents/session-store-dying/redis.log >"$T/redis.log.gz"
st formats --explain "$T/redis.log.gz" -n 2
check "explain .gz: exit status 0" status_is 0
check "explain .gz: detection names redis" out_has "detection: redis reads 8 of the first 8"

# a source's zoneless stamps take the offset its other stamps state
# (Terraform: Go's log lines first, hclog's +0200 lines from line 80 on)
Z="$T/tf.log"
i=0
while [ $i -lt 79 ]; do
	printf '2021/07/03 16:29:00 [TRACE] line %d\n' $i
	i=$((i + 1))
done >"$Z"
printf '2021-07-03T16:29:02.567+0200 [INFO]  plugin: configuring client\n2021/07/03 16:29:04 [TRACE] GRPCProvider: GetSchema\n' >>"$Z"
st print -o json "$Z"
check "learned offset: the first zoneless lines take the +0200 found later" \
	py has "$OUT" 2021-07-03T14:29:00.000000Z "[TRACE] line 0"
check "learned offset: a zoneless line after it too" py has "$OUT" 2021-07-03T14:29:04.000000Z "GetSchema"
check "learned offset: in file order" py order "$OUT"
st print -o json --assume-tz UTC "$Z"
check "learned offset: --assume-tz, given, wins" py has "$OUT" 2021-07-03T16:29:00.000000Z "[TRACE] line 0"

# the README's user-format example, as shipped in fixtures/formats
cd "$SRC/fixtures/formats" || exit 2
st print -o json --formats payments.format payments.log gateway.log
check "example: exit status 0" status_is 0
check "example: five events" py count "$OUT" 5
check "example: the +0100 offset applied, level from the map" \
	py has "$OUT" 2024-03-01T09:00:00.123000Z "charge failed" error payments-api
check "example: the txn group is a field" py field "$OUT" 2024-03-01T09:00:30.452000Z "retry 1 of 3" txn '"abc123"'
cd "$SRC" || exit 2

# ---- 11. cmd: sources: a command's stdout and stderr, its exit as an event
st print -o json cmd:'printf "2024-01-01T00:00:00Z a\n"; echo oops >&2; exit 3'
check "cmd: a command failing is not a failed source (got $RC)" status_is 0
check "cmd: valid JSON, stdout + stderr + exit" py count "$OUT" 3
check "cmd: the stdout line with its own time" py has "$OUT" 2024-01-01T00:00:00.000000Z " a" null iso8601
check "cmd: stdout and stderr are two sources" py sources "$OUT" \
	'cmd:printf "2024-01-01T00:00:00Z a\n"; echo oops >&2; exit 3' \
	'cmd:printf "2024-01-01T00:00:00Z a\n"; echo oops >&2; exit 3 (stderr)'
check "cmd: the stderr line, dated when it was read" \
	python3 -c 'import json,sys; e=[json.loads(l) for l in open(sys.argv[1])]; x=[v for v in e if v["text"]=="oops"]; sys.exit(not (x and x[0]["ts"] and x[0]["ts"] > "2024-02" and x[0]["source"].endswith(" (stderr)")))' "$OUT"
check "cmd: the exit event: status 3, error" \
	python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).readlines()[-1]); f=e["fields"]; sys.exit(not ("cmd exited with status 3" in e["text"] and e["level"]=="error" and f.get("exit_status")=="3" and f.get("meaning")=="failed" and e["ts"]==f.get("time")))' "$OUT"
st print cmd:nonexistent_program_xyz
check "cmd: not found: status 127" out_has "cmd exited with status 127 (command not found)"
check "cmd: a whole command names the source" out_has "  cmd:nonexistent_program_xyz "
printf '#!/bin/sh\necho hi\n' >"$T/noexec.sh"
chmod -x "$T/noexec.sh"
st print -o json cmd:"$T/noexec.sh"
check "cmd: not executable: status 126" out_has 'exit_status":"126","meaning":"command not executable"'
st print -o json cmd:'kill -9 $$'
check "cmd: killed by a signal" out_has '"text":"msg=\"cmd killed by signal 9 (SIGKILL)\"'
check "cmd: killed: the signal field" out_has '"signal":"SIGKILL"'
st print -o json --field signal=SIGKILL cmd:'sh -c "kill -9 \$\$"; kill -9 $$'
check "cmd: --field signal=SIGKILL finds the kill" py count "$OUT" 1
st print cmd:'sh -c "kill -9 \$\$"'
check "cmd: 128+n reported by a shell" out_has "status 137 (128+9: killed, SIGKILL"
st print -o json cmd:'seq 100000'
check "cmd: 100,000 lines, none lost" py count "$OUT" 100001
check "cmd: the last line" out_has '"text":"100000"'
st print cmd:'printf "first\nno newline at the end"'
check "cmd: a last line without its newline" out_has "no newline at the end"
check "cmd: exit 0 is info" out_has "INFO    msg=\"cmd exited with status 0\""
st print cmd:
check "cmd: an empty command is a failed source (got $RC)" status_is 1
check "cmd: an empty command: said" err_has "cmd:: an empty command"
# stopped by SIGTERM, strata stops its command: no process is left behind
MARK="31$$"
cmd_running() { pgrep -f "^sleep $MARK" >/dev/null; }
"$BIN" print -f cmd:"sleep $MARK" >"$T/cmdf.out" 2>"$T/cmdf.err" &
SPID=$!
i=0
while [ $i -lt 100 ] && ! cmd_running; do
	sleep 0.05
	i=$((i + 1))
done
check "cmd: the command runs" cmd_running
kill -TERM $SPID 2>/dev/null
wait $SPID
RC=$?
check "cmd: SIGTERM: strata ends on its own (status $RC)" [ "$RC" -lt 128 ]
i=0
while [ $i -lt 100 ] && cmd_running; do
	sleep 0.05
	i=$((i + 1))
done
if cmd_running; then
	fail "cmd: SIGTERM: the command was left running"
	kill -KILL $(pgrep -f "^sleep $MARK") 2>/dev/null
else
	pass
fi
check "cmd: SIGTERM: its exit says strata stopped it" grep -q 'cmd stopped by strata at exit.*stopped_by=strata' "$T/cmdf.out"
# what a command writes as it ends after the SIGTERM still comes out; one
# that ignores SIGTERM is killed and said so
"$BIN" print -f -o json cmd:"trap 'echo bye from the trap; exit 3' TERM; echo started; while :; do sleep 0.05; done" \
	cmd:"trap '' TERM; echo stubborn; while :; do sleep 0.05; done" >"$T/cmdf.out" 2>"$T/cmdf.err" &
SPID=$!
i=0
while [ $i -lt 100 ] && ! { grep -q '"text":"started"' "$T/cmdf.out" && grep -q '"text":"stubborn"' "$T/cmdf.out"; }; do
	sleep 0.05
	i=$((i + 1))
done
kill -TERM $SPID 2>/dev/null
wait $SPID
RC=$?
check "cmd: drain: SIGTERM exits 0 (got $RC)" status_is 0
check "cmd: drain: the command's last words after SIGTERM" grep -q '"text":"bye from the trap"' "$T/cmdf.out"
check "cmd: drain: its own exit status after the SIGTERM" grep -q 'cmd stopped by strata at exit\\" exit_status=3' "$T/cmdf.out"
check "cmd: drain: one that ignores SIGTERM is killed, said" grep -q 'cmd killed by strata at exit (it outlived SIGTERM)\\" signal=SIGKILL' "$T/cmdf.out"
# commands do not wait for reading slots: 20 run at once
GO=$T/go-$$
set --
n=0
while [ $n -lt 20 ]; do
	set -- "$@" "cmd:while [ ! -e $GO ]; do sleep 0.05; done; echo 2024-05-01T10:00:00Z go $n"
	n=$((n + 1))
done
"$BIN" print "$@" >"$T/cmd20.out" 2>"$T/cmd20.err" &
SPID=$!
i=0
while [ $i -lt 200 ] && [ "$(pgrep -c -f "while \[ ! -e $GO \]")" -lt 20 ]; do
	sleep 0.05
	i=$((i + 1))
done
check "cmd: 20 commands run at once (saw $(pgrep -c -f "while \[ ! -e $GO \]"))" \
	[ "$(pgrep -c -f "while \[ ! -e $GO \]")" -ge 20 ]
touch "$GO"
wait $SPID
RC=$?
check "cmd: 20 commands: status 0 (got $RC)" status_is 0
check "cmd: 20 commands: each one's line" [ "$(grep -c ' go ' "$T/cmd20.out")" -eq 20 ]

# ---- 12. http:// sources: metric endpoints scraped (a test server, node-exporter)
# tests/http_server.py answers byte for byte what the test needs (chunks
# with extensions and trailers, malformed chunks, a 404, a body over the
# limit, no answer); prometheus-node-exporter is a real exporter, run on a
# free loopback port when it is installed (scripts/install-deps).
HTTP_PIDS=""
trap 'for p in $HTTP_PIDS; do kill "$p" 2>/dev/null; done; chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# http_wait FILE TEXT: until FILE holds TEXT, for up to 10 s
http_wait() {
	_i=0
	while [ $_i -lt 200 ] && ! grep -q -F -e "$2" "$1" 2>/dev/null; do
		sleep 0.05
		_i=$((_i + 1))
	done
	grep -q -F -e "$2" "$1" 2>/dev/null
}
cat >"$T/http_chk.py" <<'PY'
import json, sys, time, datetime
# FILE MIN_METRICS PREFIX: at least MIN_METRICS metric events named PREFIX*;
# the samples without a time of their own are dated at the scrape: one
# time, within 60 s of now
path, want, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
evs = [json.loads(l) for l in open(path, encoding="utf-8")]
metrics = [e for e in evs if e["kind"] == "metric" and e["fields"].get("metric", "").startswith(prefix)]
if len(metrics) < want:
    sys.exit("%d metric events named %s*, want %d or more" % (len(metrics), prefix, want))
ctx = {e["ts"] for e in evs if e["fields"].get("time_from") == "context"}
if len(ctx) != 1:
    sys.exit("samples dated by the scrape have %d times, want 1: %s" % (len(ctx), sorted(ctx)[:5]))
ts = datetime.datetime.strptime(ctx.pop(), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
if abs(ts.timestamp() - time.time()) > 60:
    sys.exit("the scrape time %s is not now" % ts)
if any(e["format"] != "prometheus" for e in evs):
    sys.exit("an event not read as prometheus")
PY
python3 "$SRC/tests/http_server.py" "$T/http.port" >"$T/http.log" 2>&1 &
HTTP_PIDS="$HTTP_PIDS $!"
if http_wait "$T/http.port" ""; then
	U=http://127.0.0.1:$(cat "$T/http.port")
	for p in chunked length close; do
		st print -o json "$U/$p"
		check "http: /$p: status $RC" status_is 0
		check "http: /$p: JSON" py jsonl "$OUT" 5
		check "http: /$p: samples at the scrape time" python3 "$T/http_chk.py" "$OUT" 3 test_
		check "http: /$p: a sample's own time" out_has '"ts":"2023-11-14T22:13:20.000000Z"'
		check "http: /$p: quiet" err_empty
	done
	# the chunked body, decoded exactly (extensions and trailer dropped)
	st print "$U/chunked"
	check "http: chunked: text" out_has 'test_requests_total{path="/x"} = 7'
	check "http: chunked: 5 lines" [ "$(wc -l <"$OUT")" -eq 5 ]
	st stats "$U/chunked"
	check "http: stats: the format is locked to prometheus" out_has "prometheus"
	while read -r p words; do
		st print -o json "$U/$p"
		check "http: /$p: status $RC, want 1" status_is 1
		check "http: /$p: said ($words)" err_has "$U/$p: scrape failed: $words"
		check "http: /$p: an error event" out_has "\"level\":\"error\",\"format\":null,\"text\":\"scrape of $U/$p failed: $words"
	done <<-LIST
		missing HTTP status 404 Not Found
		badchunk malformed chunked encoding
		huge a Content-Length over the body limit (64 MiB)
		truncated the connection closed before the end of the body
	LIST
	# no answer: the scrape gives up after the interval (or 10 s)
	st print --interval 500ms "$U/hang"
	check "http: no answer: status $RC" status_is 1
	check "http: no answer: timed out" err_has "scrape failed: timed out after 0.5 s"
	NP=$(free_port)
	st print "http://127.0.0.1:$NP/metrics"
	check "http: refused: status $RC" status_is 1
	check "http: refused: said" err_has "http://127.0.0.1:$NP/metrics: scrape failed: connection refused"
	st print https://127.0.0.1:$NP/metrics
	check "http: https: status $RC" status_is 1
	check "http: https: said" err_has "https:// is not supported yet"
	st print http://user@127.0.0.1/
	check "http: a bad URL: said" err_has "user names and passwords in URLs are not supported"
	st print --interval 2x "$U/length"
	check "http: a bad --interval: status $RC" status_is 2
	# -f: scraped every interval until stopped, a failure said once per
	# kind and its end said too
	if "$BIN" --help | grep -q -e '--follow'; then
		"$BIN" print -f --interval 200ms "$U/count" "$U/flaky" >"$T/hf.out" 2>"$T/hf.err" &
		SPID=$!
		check "http -f: scraped again and again" http_wait "$T/hf.out" "test_scrapes_total = 4"
		check "http -f: a failure ends" http_wait "$T/hf.err" "scrape works again (after 2 failed)"
		kill -INT $SPID
		wait $SPID
		RC=$?
		# the flaky endpoint's series has holes: said at the end, status 1
		check "http -f: SIGINT after failed scrapes: status 1 (got $RC)" status_is 1
		check "http -f: the failed scrapes are counted at the end" grep -q "flaky: 2 of [0-9]* scrapes failed (the last: HTTP status 404" "$T/hf.err"
		check "http -f: the endpoint that never failed is not blamed" sh -c "! grep -q 'count: .*scrapes failed' '$T/hf.err'"
		check "http -f: a failure said once" [ "$(grep -c 'scrape failed' "$T/hf.err")" -eq 1 ]
		check "http -f: both failures are events" [ "$(grep -c 'scrape of .* failed: HTTP status 404' "$T/hf.out")" -eq 2 ]
		check "http -f: sanitizers" sh -c "! grep -q -E 'runtime error:|Sanitizer' '$T/hf.err'"
		# one scrape each time, in order
		check "http -f: scrapes in order" sh -c "grep -o 'test_scrapes_total = [0-9]*' '$T/hf.out' | head -4 | awk '{ if (\$3 != NR) exit 1 }'"
	fi
else
	fail "http: the test server did not start"
	sed 's/^/    /' "$T/http.log"
fi

NE=$(command -v prometheus-node-exporter)
if [ -n "$NE" ]; then
	NP=$(free_port)
	"$NE" --web.listen-address="127.0.0.1:$NP" >"$T/ne.log" 2>&1 &
	HTTP_PIDS="$HTTP_PIDS $!"
	_i=0
	until python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$NP/metrics', timeout=2)" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -ge 100 ] && break
		sleep 0.1
	done
	st print -o json "http://127.0.0.1:$NP/metrics"
	check "node-exporter: status $RC" status_is 0
	check "node-exporter: JSON" py jsonl "$OUT" 100
	check "node-exporter: node_ samples at the scrape time" python3 "$T/http_chk.py" "$OUT" 50 node_
else
	echo "e2e: prometheus-node-exporter is not installed (scripts/install-deps installs it): its scrape test is skipped"
fi

# ---- 13. print -f: following live files (tail -F), late events, clean exits
FW=$T/follow
mkdir -p "$FW"
# wait_for PATTERN FILE: poll every 20 ms, up to 5 s, for a fixed string
wait_for() {
	_n=0
	while [ $_n -lt 250 ]; do
		grep -q -F -e "$1" "$2" 2>/dev/null && return 0
		sleep 0.02
		_n=$((_n + 1))
	done
	return 1
}
# wait_lines N FILE: until FILE has at least N lines
wait_lines() {
	_n=0
	while [ $_n -lt 250 ]; do
		[ "$(wc -l <"$2" 2>/dev/null || echo 0)" -ge "$1" ] && return 0
		sleep 0.02
		_n=$((_n + 1))
	done
	return 1
}
# stop_follow: SIGTERM the follower, wait for it, check it ended cleanly
stop_follow() {
	kill -TERM "$FPID" 2>/dev/null
	wait "$FPID"
	RC=$?
	cp "$FW/err" "$ERR"
	sanitized "print -f ($1)"
	check "print -f ($1): SIGTERM exits 0" status_is 0
}
py_late_once() {
	python3 - "$FW/out" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if "late" in ev:
        assert ev["late"] is True and list(ev)[-1] == "late", ev
        n += 1
sys.exit(0 if n == 1 else 1)
PY
}
err_has_f() { grep -q -F -e "$1" "$FW/err"; }
printf '2024-05-01T10:00:01Z first\n2024-05-01T10:00:02Z second\n' >"$FW/a.log"
"$BIN" print -f -o json "$FW/a.log" "$FW/later.log" >"$FW/out" 2>"$FW/err" &
FPID=$!
check "print -f: the replay first" wait_for 'second"' "$FW/out"
check "print -f: a missing file is said once and watched" wait_for "later.log" "$FW/err"
printf '2024-05-01T10:00:03Z third\n' >>"$FW/a.log"
check "print -f: an appended line arrives" wait_for '"2024-05-01T10:00:03Z third"' "$FW/out"
printf '2024-05-01T10:00:04Z par' >>"$FW/a.log"
printf 'tial\n' >>"$FW/a.log"
check "print -f: a line written in two parts is one event" wait_for '"2024-05-01T10:00:04Z partial"' "$FW/out"
printf '2024-05-01T09:00:00Z earlier\n' >>"$FW/a.log"
check "print -f: an earlier line is late" wait_for 'earlier","fields":{},"entities":[],"late":true' "$FW/out"
check "print -f: only late events carry the key" py_late_once
printf '2024-05-01T10:00:05Z appeared\n' >"$FW/later.log"
check "print -f: a file created later is read" wait_for '"2024-05-01T10:00:05Z appeared"' "$FW/out"
: >"$FW/a.log"
printf '2024-05-01T10:00:06Z t\n' >>"$FW/a.log"
check "print -f: truncated in place: read again from 0" wait_for '"2024-05-01T10:00:06Z t"' "$FW/out"
check "print -f: truncation is said" err_has_f "truncated"
mv "$FW/a.log" "$FW/a.log.1"
printf '2024-05-01T10:00:07Z rotated\n' >"$FW/a.log"
check "print -f: renamed and recreated: the new file from its start" \
	wait_for '"line":1,"kind":"log","level":null,"format":"iso8601","text":"2024-05-01T10:00:07Z rotated"' "$FW/out"
# truncated and written past the old offset while strata looked away
# (SIGSTOP): the first line changed, so it is read again from 0
kill -STOP "$FPID"
: >"$FW/a.log"
printf '2024-05-01T10:00:08Z regrown past the old offset before strata looked\n' >>"$FW/a.log"
kill -CONT "$FPID"
check "print -f: truncated and regrown: read again from 0, whole" \
	wait_for '"text":"2024-05-01T10:00:08Z regrown past the old offset before strata looked"' "$FW/out"
# copytruncate with lines strata had not read yet: they come from the copy
kill -STOP "$FPID"
printf '2024-05-01T10:00:09Z unread one\n2024-05-01T10:00:10Z unread two\n' >>"$FW/a.log"
cp "$FW/a.log" "$FW/a.log.1"
: >"$FW/a.log"
printf '2024-05-01T10:00:11Z after the copytruncate\n' >>"$FW/a.log"
kill -CONT "$FPID"
check "print -f: copytruncate: the lines after the copy" wait_for '10:00:11Z after the copytruncate"' "$FW/out"
check "print -f: copytruncate: the unread lines, from the copy" \
	sh -c "grep -q -F '10:00:09Z unread one\"' '$FW/out' && grep -q -F '10:00:10Z unread two\"' '$FW/out'"
check "print -f: copytruncate: the copy is named" err_has_f "copied to a.log.1"
stop_follow "files"
check "print -f: copytruncate: nothing twice" \
	sh -c "[ \"\$(grep -c regrown '$FW/out')\" -eq 1 ] && [ \"\$(grep -c 'unread one' '$FW/out')\" -eq 1 ]"
check "print -f: no line twice" sh -c "[ \"\$(grep -c third '$FW/out')\" -eq 1 ] && [ \"\$(grep -c rotated '$FW/out')\" -eq 1 ]"

# text output marks a late event
printf '2024-05-01T10:00:01Z one\n' >"$FW/t.log"
"$BIN" print -f "$FW/t.log" >"$FW/out" 2>"$FW/err" &
FPID=$!
check "print -f text: the replay" wait_for "one" "$FW/out"
printf '2024-05-01T09:00:00Z back\n' >>"$FW/t.log"
check "print -f text: a late event is marked [late]" wait_for "back [late]" "$FW/out"
stop_follow "text"

# a directory: files that appear in it join
mkdir -p "$FW/dir"
printf '2024-05-01T10:00:01Z old\n' >"$FW/dir/one.log"
"$BIN" print -f -o json "$FW/dir" >"$FW/out" 2>"$FW/err" &
FPID=$!
check "print -f dir: the replay" wait_for 'old"' "$FW/out"
printf '2024-05-01T10:00:02Z newcomer\n' >"$FW/dir/two.log"
check "print -f dir: a new file joins" wait_for '"2024-05-01T10:00:02Z newcomer"' "$FW/out"
stop_follow "dir"
mkdir -p "$FW/empty"
"$BIN" print -f -o json "$FW/empty" >"$FW/out" 2>"$FW/err" &
FPID=$!
sleep 0.2 # not for correctness: give an early exit the time to show
printf '2024-05-01T10:00:02Z into empty\n' >"$FW/empty/x.log"
check "print -f: an empty directory is watched, its new file joins" wait_for 'into empty"' "$FW/out"
stop_follow "empty dir"

# | head -3 ends promptly with status 0 and says nothing
printf '2024-05-01T10:00:01Z a\n2024-05-01T10:00:02Z b\n2024-05-01T10:00:03Z c\n2024-05-01T10:00:04Z d\n' >"$FW/h.log"
{
	timeout 10 "$BIN" print -f "$FW/h.log" 2>"$ERR"
	echo $? >"$FW/rc"
} | head -3 >"$OUT"
RC=$(cat "$FW/rc")
sanitized "print -f | head -3"
check "print -f | head -3: status 0 (no timeout)" status_is 0
check "print -f | head -3: three lines" sh -c "[ \$(wc -l <'$OUT') -eq 3 ]"
check "print -f | head -3: nothing on stderr" err_empty

# stdin alone: read to its end, then exit
printf '2024-05-01T10:00:01Z piped\n' | timeout 10 "$BIN" print -f - >"$OUT" 2>"$ERR"
RC=$?
sanitized "print -f -"
check "print -f -: exits at the end of a pipe, status 0" status_is 0
check "print -f -: its line" out_has "piped"
"$BIN" stats -f "$FW/h.log" >"$OUT" 2>"$ERR"
RC=$?
check "-f goes with print only" status_is 2

# 500 followed files
mkdir -p "$FW/many"
i=0
while [ $i -lt 500 ]; do
	printf '2024-05-01T10:00:00Z file %d\n' $i >"$FW/many/f$i.log"
	i=$((i + 1))
done
"$BIN" print -f -o json "$FW/many" >"$FW/out" 2>"$FW/err" &
FPID=$!
check "print -f 500 files: all replayed" wait_lines 500 "$FW/out"
printf '2024-05-01T10:00:01Z more in 7\n' >>"$FW/many/f7.log"
printf '2024-05-01T10:00:01Z more in 499\n' >>"$FW/many/f499.log"
check "print -f 500 files: the first is followed" wait_for 'more in 7"' "$FW/out"
check "print -f 500 files: the last is followed" wait_for 'more in 499"' "$FW/out"
stop_follow "500 files"
check "print -f 500 files: nothing on stderr" err_empty

# under -f a pipe or a command is live from its first line: a slow one's
# lines print as they come, not when it ends or has 64 lines
"$BIN" print -f "cmd:echo 2024-01-01T00:00:01Z first-of-slow; sleep 31.7" >"$FW/out" 2>"$FW/err" &
FPID=$!
check "print -f cmd: a slow command's first line prints at once" wait_for "first-of-slow" "$FW/out"
stop_follow "slow command"
(echo "2024-01-01T00:00:01Z stdin-live"; sleep 31.7) | "$BIN" print -f - >"$FW/out" 2>"$FW/err" &
FPID=$!
check "print -f -: a slow pipe's first line prints at once" wait_for "stdin-live" "$FW/out"
stop_follow "slow stdin"
pkill -f "sleep 31.7" 2>/dev/null

# ---- 14. Prometheus HTTP API answers (saved JSON) and prometheus:// sources
# tests/data/promapi: a query_range answer as curl saves it (one line) and
# as jq prints it, an instant query without __name__, an error answer.
# The live server is tested by tests/prom_live.sh (a real Prometheus).
PA=$SRC/tests/data/promapi
cat >"$T/pa_chk.py" <<'PY'
import json, sys, datetime
# FILE N [NAME]: N events, all metric events read as prometheus, each dated
# by its sample's time (the last word of its text, in ms), and named NAME
path, want = sys.argv[1], int(sys.argv[2])
evs = [json.loads(l) for l in open(path, encoding="utf-8")]
if len(evs) != want:
    sys.exit("%d events, want %d" % (len(evs), want))
for e in evs:
    if e["kind"] != "metric" or e["format"] != "prometheus":
        sys.exit("not a metric read as prometheus: %r" % e)
    ms = int(e["text"].rsplit(" ", 1)[1])
    ts = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    if e["ts"] != ts.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z":
        sys.exit("dated %s, its sample at %s: %r" % (e["ts"], ts, e["text"]))
    if len(sys.argv) > 3 and not e["text"].startswith(sys.argv[3]):
        sys.exit("not named %s: %r" % (sys.argv[3], e["text"]))
PY
st print -o json "$PA/node_load1.json"
check "promapi: saved query_range: status $RC" status_is 0
check "promapi: saved query_range: quiet" err_empty
check "promapi: saved query_range: 18 samples at their times" python3 "$T/pa_chk.py" "$OUT" 18 node_load1
check "promapi: saved query_range: JSON" py jsonl "$OUT" 18
check "promapi: saved query_range: a sample" \
	py has "$OUT" 2024-12-10T06:01:00.000000Z 'node_load1{instance="web-1:9100",job="node"} 2.91 1733810460000'
check "promapi: saved query_range: NaN" out_has 'node_load1{instance=\"db-1:9100\",job=\"node\"} NaN 1733810475000'
cp "$OUT" "$T/pa_one.json"
sed 's/"source":"[^"]*",//' "$OUT" >"$T/pa_ref.json"
# pretty-printed by jq, through a pipe, compressed, out of a command, and
# under -f (read to its end: an answer is one document, not followed)
"$BIN" print -o json "$PA/node_load1-jq.json" | sed 's/node_load1-jq.json/node_load1.json/' >"$T/pa_two.json"
check "promapi: jq's pretty print reads the same" cmp -s "$T/pa_one.json" "$T/pa_two.json"
for how in stdin gzip cmd follow; do
	case $how in
	stdin) "$BIN" print -o json - <"$PA/node_load1.json" >"$OUT" 2>"$ERR"; RC=$? ;;
	gzip) gzip -c "$PA/node_load1-jq.json" | "$BIN" print -o json - >"$OUT" 2>"$ERR"; RC=$? ;;
	cmd) "$BIN" print -o json "cmd:cat '$PA/node_load1.json'" >"$OUT" 2>"$ERR"; RC=$? ;;
	follow)
		# read to its end like a compressed file; strata goes on following
		# until stopped
		"$BIN" print -f -o json "$PA/node_load1.json" >"$OUT" 2>"$ERR" &
		_p=$!
		_i=0
		while [ $_i -lt 200 ] && [ "$(grep -c '"kind":"metric"' "$OUT")" -lt 18 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
		kill -INT $_p
		wait $_p
		RC=$?
		;;
	esac
	sanitized "promapi $how"
	check "promapi: $how: status $RC" status_is 0
	check "promapi: $how: quiet" err_empty
	grep '"kind":"metric"' "$OUT" | sed 's/"source":"[^"]*",//' >"$T/pa_how.json"
	check "promapi: $how: the same samples" cmp -s "$T/pa_how.json" "$T/pa_ref.json"
done
st print -o json "$PA/rate-5xx.json"
check "promapi: no __name__: query_result" python3 "$T/pa_chk.py" "$OUT" 2 query_result{
check "promapi: no __name__: its labels" \
	py has "$OUT" 2024-12-10T06:02:00.250000Z 'query_result{code="500",handler="/api/checkout"} 0.4166666666666667 1733810520250'
st stats "$PA/node_load1.json"
check "promapi: stats: prometheus, 18 events" sh -c "grep -E '^node_load1.json +prometheus +18 +18 ' '$OUT' >/dev/null"
# an error answer, a malformed one (the samples before the fault kept), one
# over 256 MiB: a message naming the file and what is wrong, status 1
st print "$PA/error.json"
check "promapi: error answer: status $RC" status_is 1
check "promapi: error answer: said" err_has "error.json: a Prometheus API answer saying the query failed: bad_data: invalid parameter \"query\": 1:4: parse error: unclosed left parenthesis"
head -c 400 "$PA/node_load1.json" >"$T/cut.json"
st print "$T/cut.json"
check "promapi: cut short: status $RC" status_is 1
check "promapi: cut short: where" err_has "cut.json: a malformed Prometheus API answer, read up to line 1, column 401 (byte 400): the text ends inside"
check "promapi: cut short: the first series kept" [ "$(grep -c node_load1 "$OUT")" -eq 9 ]
sed 's/"2.91"/2.91.1/' "$PA/node_load1-jq.json" >"$T/bad.json"
st print "$T/bad.json"
check "promapi: malformed: status $RC" status_is 1
check "promapi: malformed: line and column" err_has "bad.json: a malformed Prometheus API answer, read up to line 31, column 17 (byte 559): expected ',' or ']' after an array element"
{
	printf '{"status":"success","data":{"resultType":"vector","result":['
	yes '{"metric":{"__name__":"up","job":"x"},"value":[1733810400,"1"]},' | head -c 270000000
	printf '{"metric":{},"value":[1733810400,"1"]}]}}'
} | "$BIN" print - >"$OUT" 2>"$ERR"
RC=$?
sanitized "promapi: over 256 MiB"
check "promapi: over 256 MiB: status $RC" status_is 1
check "promapi: over 256 MiB: said" err_has "strata: -: a Prometheus API answer over 256 MiB: not read (save a shorter range or a coarser step)"
check "promapi: over 256 MiB: nothing printed" [ ! -s "$OUT" ]
# a JSON log whose first key is "status" is a log, not an answer
printf '{"status":200,"time":"2024-12-10T06:00:00Z","msg":"ok"}\n{"status":"success","time":"2024-12-10T06:00:01Z","msg":"done"}\n' >"$T/st.jsonl"
st print -o json "$T/st.jsonl"
check "promapi: a JSON log is not an answer" sh -c "[ \$(grep -c '\"format\":\"json\"' '$OUT') -eq 2 ]"
# prometheus:// URLs: what is wrong with one is said before any query
NP=$(free_port)
st print -o json "prometheus://127.0.0.1:$NP/?query=up"
check "prom://: refused: status $RC" status_is 1
check "prom://: refused: said" err_has "prometheus://127.0.0.1:$NP/?query=up: query failed: connection refused"
check "prom://: refused: an error event" out_has "\"level\":\"error\",\"format\":null,\"text\":\"query of prometheus://127.0.0.1:$NP/?query=up failed: connection refused\""
st print "prometheus://127.0.0.1:$NP/"
check "prom://: no query: said" err_has "no query: write prometheus://HOST:PORT/?query=EXPR"
st print "prometheus://127.0.0.1:$NP/?query=up&end=now"
check "prom://: end=: said" err_has "choose the window with --since and --until"
st print "prometheus://127.0.0.1:$NP/?query=up&step=5x"
check "prom://: a bad step: said" err_has "step= takes a duration such as 15s"
check "prom://: a bad step: status $RC" status_is 1
# what strata asks: a stand-in server that logs each request's path and
# answers by it (a route prefix, the query encoded, the window and step)
cat >"$T/pa_srv.py" <<'PY'
import http.server, sys, urllib.parse
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        open(sys.argv[2], "a").write(self.path + "\n")
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if "bad" in q["query"][0]:
            code, body = 400, b'{"status":"error","errorType":"bad_data","error":"1:4: parse error: unexpected identifier \\"bad\\""}'
        elif "html" in q["query"][0]:
            code, body = 200, b"<html>not Prometheus</html>"
        else:
            t = float(q["start"][0])
            code, body = 200, (b'{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"x"},"values":[[%.3f,"1"]]}]}}' % t)
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
python3 "$T/pa_srv.py" "$T/pa_srv.port" "$T/pa_srv.log" >"$T/pa_srv.err" 2>&1 &
HTTP_PIDS="$HTTP_PIDS $!"
_i=0
while [ $_i -lt 100 ] && [ ! -s "$T/pa_srv.port" ]; do
	sleep 0.05
	_i=$((_i + 1))
done
PAU=127.0.0.1:$(cat "$T/pa_srv.port" 2>/dev/null)
st print -o json --since 2024-12-10T06:00:00Z --until 2024-12-10T07:00:00Z \
	"prometheus://$PAU/prom/?query=sum by (job) (rate(x{a=\"b\"}[5m]))&step=1m&dedup=true"
check "prom://: a stand-in: status $RC" status_is 0
check "prom://: the request: prefix, encoded query, window on the grid, step, the rest" \
	grep -q -x -F '/prom/api/v1/query_range?query=sum%20by%20%28job%29%20%28rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29%29&start=1733810400.000&end=1733814000.000&step=60.000&dedup=true' "$T/pa_srv.log"
check "prom://: no __name__: named after the query" \
	py has "$OUT" 2024-12-10T06:00:00.000000Z 'sum_by_job_rate_x_a_b_5m{job="x"} 1 1733810400000'
: >"$T/pa_srv.log"
st print --since 1733810401.5 --until 1733814000 "prometheus://$PAU?query=up%7Bjob%3D%22x%22%7D"
check "prom://: percent-encoded, no path: asked once" [ "$(wc -l <"$T/pa_srv.log")" -eq 1 ]
check "prom://: percent-encoded, no path: the request" \
	grep -q -x -F '/api/v1/query_range?query=up%7Bjob%3D%22x%22%7D&start=1733810415.000&end=1733814000.000&step=15.000' "$T/pa_srv.log"
: >"$T/pa_srv.log"
st print --since 2024-01-01 --until 2024-12-10 -o json "prometheus://$PAU/?query=up"
check "prom://: a long window: a coarser step" \
	grep -q -F '&start=1704069120.000&end=1733788800.000&step=3840.000' "$T/pa_srv.log"
st print "prometheus://$PAU/?query=bad"
check "prom://: Prometheus' error: status $RC" status_is 1
check "prom://: Prometheus' error: said" err_has "?query=bad: query failed: bad_data: 1:4: parse error: unexpected identifier \"bad\" (HTTP status 400)"
st print "prometheus://$PAU/?query=html"
check "prom://: not an answer: said" err_has "?query=html: query failed: a malformed answer, read up to line 1, column 1 (byte 0): not a Prometheus API answer"

# ---- 15. metrics: series in stats, the metric object, time-valued metrics
cd "$SRC" || exit 2
cat >"$T/metrics_chk.py" <<'PY'
import json, sys

def stats_source(path, base):
    doc = json.load(open(path))
    hits = [s for s in doc["sources"] if s["source"].endswith("/" + base) or s["source"] == base]
    if len(hits) != 1:
        sys.exit("%d sources named %s" % (len(hits), base))
    return hits[0]

def evs(path):
    return [json.loads(l) for l in open(path, encoding="utf-8")]

cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "series":         # STATS SOURCE SAMPLES SERIES LONGEST DERIVED DATED=N...
    m = stats_source(a[0], a[1]).get("metrics")
    if m is None:
        sys.exit("no metrics object")
    want = {"samples": int(a[2]), "series": int(a[3]), "longest": int(a[4]), "derived": int(a[5])}
    got = {k: m[k] for k in want}
    dated = {k: 0 for k in ("sample", "label", "comment", "marker", "scrape", "read", "mtime")}
    for kv in a[6:]:
        k, v = kv.split("=")
        dated[k] = int(v)
    if got != want or m["dated"] != dated:
        sys.exit("metrics %r, want %r with dated %r" % (m, want, dated))
elif cmd == "nometrics":    # STATS SOURCE: a log source has no metrics object
    if "metrics" in stats_source(a[0], a[1]):
        sys.exit("a metrics object on a log source")
elif cmd == "daily":        # PRINT NAME DAY0 N: N samples of NAME at midnight, one a day from DAY0
    import datetime
    ms = [e for e in evs(a[0]) if e.get("metric", {}).get("name") == a[1]]
    d0 = datetime.date.fromisoformat(a[2])
    want = [(d0 + datetime.timedelta(days=i)).isoformat() + "T00:00:00.000000Z" for i in range(int(a[3]))]
    if [e["ts"] for e in ms] != want:
        sys.exit("times %r, want %r" % ([e["ts"] for e in ms], want))
    for e in ms:
        m = e["metric"]
        if m["labels"] != {"date": e["ts"][:10]} or not isinstance(m["value"], int) or e["kind"] != "metric":
            sys.exit("bad metric object %r" % m)
        if e["text"] != "%s{date=\"%s\"} %d" % (a[1], e["ts"][:10], m["value"]):
            sys.exit("metric object %r does not say what %r does" % (m, e["text"]))
elif cmd == "value":        # PRINT SUBSTRING JSON: the metric value of the event whose text has SUBSTRING
    ms = [e for e in evs(a[0]) if a[1] in e["text"] and "metric" in e]
    if len(ms) != 1 or ms[0]["metric"]["value"] != json.loads(a[2]):
        sys.exit("values %r, want %s" % ([e.get("metric") for e in ms], a[2]))
elif cmd == "derived":      # PRINT TS TEXT SAMPLE_TEXT: the event, after its sample in store terms
    es = evs(a[0])
    d = [e for e in es if e["text"] == a[2]]
    s = [e for e in es if e["text"] == a[3]]
    if len(d) != 1 or len(s) != 1:
        sys.exit("%d derived events, %d samples" % (len(d), len(s)))
    d, s = d[0], s[0]
    if (d["ts"], d["kind"], d["level"], d["format"]) != (a[1], "log", "info", "prometheus"):
        sys.exit("derived event %r" % d)
    if (d["source"], d["line"]) != (s["source"], s["line"]) or "metric" in d:
        sys.exit("derived event %r is not its sample's %r" % (d, s))
elif cmd == "times":        # PRINT NAME TS...: the samples of NAME at these times, in order
    got = [e["ts"] for e in evs(a[0]) if e.get("metric", {}).get("name") == a[1]]
    if got != a[2:]:
        sys.exit("times %r, want %r" % (got, a[2:]))
else:
    sys.exit("bad command " + cmd)
PY
mpy() { python3 "$T/metrics_chk.py" "$@"; }

# the seeds' dashboard dump: the date label makes a daily series of 7 points
st stats -o json fixtures/incidents/job-succeeded-wrong
check "metrics: stats -o json: status 0" status_is 0
check "metrics: analytics.prom: 10 samples in 2 series, the revenue's 7 points long, dated by label" \
	mpy series "$OUT" analytics.prom 10 2 7 0 label=10
check "metrics: a log source has no metrics object" mpy nometrics "$OUT" events.log
st stats fixtures/incidents/job-succeeded-wrong
check "metrics: stats text: the metrics table" out_has "METRICS"
check "metrics: stats text: analytics.prom's row" \
	grep -q -E '^analytics\.prom +10 +2 +7 +0  label 10$' "$OUT"
st print -o json fixtures/incidents/job-succeeded-wrong
check "metrics: print -o json: the metric objects" py jsonl "$OUT" 30
check "metrics: the revenue: one sample a day, Dec 3 to 9, name, date label and value" \
	mpy daily "$OUT" analytics_daily_revenue_usd 2024-12-03 7
st print fixtures/incidents/job-succeeded-wrong/metrics/analytics.prom
check "metrics: text: name{labels} = value" \
	out_has '2024-12-08T00:00:00.000Z  analytics.prom          analytics_daily_revenue_usd{date="2024-12-08"} = 287412'
check "metrics: text: comments as written" out_has "# scraped at 2024-12-10T07:05:00Z"
st print -o json fixtures/incidents/dr-not-ready/metrics/dr-west.prom
check "metrics: NaN is the string \"NaN\"" mpy value "$OUT" 'query="select_orders"' '"NaN"'
check "metrics: a value is a JSON number" mpy value "$OUT" 'handler="/health"' 86400

# data_export_last_success_timestamp_seconds: also an event at its time
# (1727746803 is 01:40:03Z; the fixture's comment says 02:00:03, see its README)
st print -o json fixtures/incidents/service-wont-start
check "metrics: *_timestamp_seconds: an info event at its value, from its sample's source and line" \
	mpy derived "$OUT" 2024-10-01T01:40:03.000000Z \
	"data_export last success (data_export_last_success_timestamp_seconds = 1727746803)" \
	"data_export_last_success_timestamp_seconds 1727746803"
check "metrics: the derived event comes before the run it reports" \
	py before "$OUT" 2024-10-01T01:40:03.000000Z "data_export last success" 2024-10-01T02:00:01.000000Z
st stats -o json fixtures/incidents/service-wont-start
check "metrics: stats counts it as derived" mpy series "$OUT" prod-batch-01.prom 5 5 1 1 comment=5
st print -l info fixtures/incidents/service-wont-start/metrics
check "metrics: text: the derived event" \
	out_has "2024-10-01T01:40:03.000Z  prod-batch-01.prom  INFO    data_export last success (data_export_last_success_timestamp_seconds = 1727746803)"

# scrapes appended by a loop, with the markers such loops write between
# them: series over time; what comes before the first marker has the mtime
M="$T/metrics"
mkdir -p "$M"
{
	printf '# HELP up Whether the target is up.\n# TYPE up gauge\nup 1\n# TYPE reqs_total counter\nreqs_total 5\n\n'
	printf -- '--- 2024-12-10T07:05:00+00:00 ---\nup 1\nreqs_total 10\n\n'
	printf 'Tue Dec 10 07:05:15 UTC 2024\nup 0\nreqs_total 25\n\n'
	printf '1733814330\nup 1\nreqs_total 3\n'
	printf '# scraped at 2024-12-10T07:05:45Z\nup{job="x"} 1\nreqs_total 9\njob_last_success_timestamp_seconds 1733814000\n'
} >"$M/loop.prom"
touch -d 2024-12-11T00:00:00Z "$M/loop.prom"
st stats -o json "$M/loop.prom"
check "metrics: a scrape loop's dump: 11 samples, 4 series, 5 points, dated by markers" \
	mpy series "$OUT" loop.prom 11 4 5 1 mtime=2 marker=6 comment=3
st print -o json "$M/loop.prom"
check "metrics: a scrape loop's dump: the counter over time" \
	mpy times "$OUT" reqs_total 2024-12-10T07:05:00.000000Z 2024-12-10T07:05:15.000000Z \
	2024-12-10T07:05:30.000000Z 2024-12-10T07:05:45.000000Z 2024-12-11T00:00:00.000000Z
check "metrics: a scrape loop's dump: every line read, and the derived event" py count "$OUT" 19
st stats "$M/loop.prom"
check "metrics: stats text: how the samples were dated" out_has "marker 6, comment 3, mtime 2"

# OpenMetrics: float seconds, exemplars, # EOF; the same from a pipe is "read"
printf '# TYPE rpc_seconds histogram\n# UNIT rpc_seconds seconds\nrpc_seconds_bucket{le="0.1"} 8 1733814300.5 # {trace_id="KOO5S4vxi0o"} 0.067 1733814300.1\nrpc_seconds_bucket{le="+Inf"} 9 1733814300.5\nrpc_seconds_count 9 1733814300.5\nrpc_seconds_sum 1.5 1733814300.5\n# EOF\n' >"$M/om.prom"
st stats -o json "$M/om.prom"
check "metrics: OpenMetrics: every sample dated by its own float seconds" mpy series "$OUT" om.prom 4 4 1 0 sample=4
st print -o json "$M/om.prom"
check "metrics: OpenMetrics: the time of the sample, not of its exemplar" \
	mpy times "$OUT" rpc_seconds_bucket 2024-12-10T07:05:00.500000Z 2024-12-10T07:05:00.500000Z
printf 'up 1\nup 0\n' | "$BIN" stats -o json - >"$OUT" 2>"$ERR"
RC=$?
sanitized "stats -o json - (metrics)"
check "metrics: standard input: dated when read" mpy series "$OUT" - 2 1 2 0 read=2

# print -f: a scrape appended later gives its events as it comes, one per new value
mwait() {
	_n=0
	while [ $_n -lt 250 ] && ! grep -q -F -e "$1" "$2" 2>/dev/null; do
		sleep 0.02
		_n=$((_n + 1))
	done
	grep -q -F -e "$1" "$2" 2>/dev/null
}
printf '# scraped at 2024-12-10T07:05:00Z
backup_last_success_timestamp_seconds 1733800000
' >"$M/live.prom"
"$BIN" print -f "$M/live.prom" >"$M/live.out" 2>"$M/live.err" &
LPID=$!
check "metrics: print -f: the replay's derived event" mwait "backup last success (backup_last_success_timestamp_seconds = 1733800000)" "$M/live.out"
printf '# scraped at 2024-12-10T07:05:15Z
backup_last_success_timestamp_seconds 1733814310
# scraped at 2024-12-10T07:05:30Z
backup_last_success_timestamp_seconds 1733814310
' >>"$M/live.prom"
check "metrics: print -f: a new sample as it comes" mwait "backup_last_success_timestamp_seconds = 1733814310" "$M/live.out"
check "metrics: print -f: the event of its new value" mwait "= 1733814310)" "$M/live.out"
kill -TERM $LPID 2>/dev/null
wait $LPID
RC=$?
cp "$M/live.err" "$ERR"
sanitized "print -f (metrics)"
check "metrics: print -f: SIGTERM exits 0 (got $RC)" status_is 0
check "metrics: print -f: one event per value, not per scrape" \
	[ "$(grep -c 'backup last success' "$M/live.out")" -eq 2 ]

# ---- context files: YAML, Ansible, HCL and INI sources are indexed, not events
cd "$SRC" || exit 2
# ctxpy FILE KEY VALUE ENTITY WHERE: a JSON line with that key and (unquoted)
# value carries ENTITY among its "entities" (WHERE=own) or "block_entities"
ctxpy() {
	python3 - "$@" <<'PY'
import json, sys
path, key, value, ent, where = sys.argv[1:6]
rows = [json.loads(l) for l in open(path, encoding="utf-8")]
for r in rows:
    assert list(r)[:9] == ["source", "line", "format", "key", "value", "raw", "block_line",
                           "entities", "block_entities"], list(r)
hits = [r for r in rows if r["key"] == key and r["value"] == value]
if not hits:
    sys.exit("no entry %s = %s among %d" % (key, value, len(rows)))
got = hits[0]["entities" if where == "own" else "block_entities"]
if ent not in got:
    sys.exit("%s = %s: %s not in %s" % (key, value, ent, got))
PY
}
WS=fixtures/incidents/service-wont-start
st context "$WS/"
check "context: exit status 0 (got $RC)" status_is 0
check "context: nothing on stderr" err_empty
check "context: the playbook's mode line, with export.sh from its task" out_has \
	'deploy-exporter.yml:8  [Deploy data exporter binary].ansible.builtin.copy.mode = "0644"  [| path:files/export.sh file:export.sh path:/opt/data-exporter/bin/export.sh'
check "context: the unit's ExecStart" out_has \
	'data-exporter.service:7  Service.ExecStart = /opt/data-exporter/bin/export.sh  [path:/opt/data-exporter/bin/export.sh file:export.sh | file:data-exporter.service unit:data-exporter.service]'
check "context: logs and metrics are not listed" sh -c "! grep -q -e 'events.log' -e 'journal.log' -e '.prom' '$OUT'"
check "context: plain text output" py plain "$OUT"
st context --entity file:export.sh "$WS"
check "context --entity file:export.sh: the mode line" out_has 'copy.mode = "0644"'
check "context --entity file:export.sh: the ExecStart line" out_has 'Service.ExecStart ='
check "context --entity file:export.sh: not the unit template task" \
	sh -c "! grep -q 'template.dest' '$OUT'"
st context -o json --entity unit:data-exporter.service "$WS"
check "context -o json --entity unit:...: the template's dest names the unit" \
	ctxpy "$OUT" "[Ensure systemd unit].ansible.builtin.template.dest" \
	/etc/systemd/system/data-exporter.service unit:data-exporter.service own
st context -o json fixtures/incidents/session-store-dying/
check "context: session-store-dying, exit 0" status_is 0
check "context: memory: 64Mi carries its workload" ctxpy "$OUT" \
	"spec.containers[0].resources.limits.memory" 64Mi workload:session-cache block
check "context: the helm values name the workload and the image" ctxpy "$OUT" \
	"sessionCache.master.configuration" "maxmemory-policy noeviction" image:redis:7.2-alpine block
st context -o json --entity resource:aws_route53_record.api_failover_secondary fixtures/incidents/dr-not-ready
check "context: evaluate_target_health = false belongs to the record" ctxpy "$OUT" \
	"aws_route53_record.api_failover_secondary.alias.evaluate_target_health" false \
	resource:aws_route53_record.api_failover_secondary block
check "context: the health check is not that record" sh -c "! grep -q 'aws_route53_health_check.dr_west.port' '$OUT'"
st context -o json --entity configmap:analytics-config fixtures/incidents/job-succeeded-wrong
check "context: the staging ConfigMap's DB_NAME" ctxpy "$OUT" data.DB_NAME warehouse_staging \
	configmap:analytics-config block
st context -o json --entity flag:enable_new_checkout fixtures/incidents/cluster-disagrees
check "context: Terraform's stale flag value" ctxpy "$OUT" \
	kubernetes_config_map.feature_flags.data.enable_new_checkout false flag:enable_new_checkout own
check "context: the read replica's resourceVersion line is not about the flag" \
	sh -c "! grep -q resourceVersion '$OUT'"
# context files are no events: print leaves them out, stats lists them
st print -o json fixtures/incidents/*/
check "context: print, exit status 0" status_is 0
check "context: print shows no line of a context file" python3 -c '
import json, sys
bad = [e for e in map(json.loads, open(sys.argv[1])) if e["source"].endswith((".yml", ".yaml", ".tf", ".service"))]
sys.exit("context lines printed as events: %r" % bad[:2] if bad else 0)' "$OUT"
st stats -o json fixtures/incidents/*/
check "context: stats totals add up with context lines" py stats "$OUT"
check "context: stats gives each context file its dialect, no events, its entries" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
fmt = {s["source"].rsplit("/", 1)[-1]: s for s in d["sources"]}
want = {"deploy-exporter.yml": "context:ansible", "data-exporter.service": "context:ini",
        "failover.tf": "context:hcl", "values-prod.yaml": "context:yaml"}
for name, f in want.items():
    s = fmt[name]
    if s["format"] != f or s["events"] != 0 or s["context"] == 0:
        sys.exit("%s: %r" % (name, s))
ctx = {c["source"].rsplit("/", 1)[-1]: c for c in d["context"]}
if ctx["deploy-exporter.yml"]["entries"] != 12 or ctx["failover.tf"]["entries"] < 15:
    sys.exit("entries: %r" % ctx)' "$OUT"
st stats "$WS"
check "context: stats text, the FORMAT column" out_has "context:ansible"
check "context: stats text, the CONTEXT table" out_has "CONTEXT"
# by content: a playbook on standard input, a Terraform file without extension
"$BIN" context - <"$WS/deploy-exporter.yml" >"$OUT" 2>"$ERR"
RC=$?
sanitized "context - (playbook)"
check "context -: a playbook on stdin, by its content" out_has '-:8  [Deploy data exporter binary].ansible.builtin.copy.mode = "0644"'
cp fixtures/incidents/dr-not-ready/failover.tf "$T/failover"
st context "$T/failover"
check "context: HCL without an extension, by its content" out_has "alias.evaluate_target_health = false"
# a log of "key: value" lines with times is a log, whatever its name
printf '2024-12-10T06:00:04Z INFO db: analytics-db\n2024-12-10T06:00:05Z INFO table: orders\n2024-12-10T06:00:06Z INFO status: ok\n' >"$T/kv.yaml"
st print -o json "$T/kv.yaml"
check "context: a timed key: value log named .yaml prints its 3 events" py count "$OUT" 3
st context "$T/kv.yaml"
check "context: ... and is no context file (status 1)" status_is 1
check "context: ... said on stderr" err_has "no context files among the sources"
st formats --explain fixtures/incidents/dr-not-ready/failover.tf -n 3
check "context: formats --explain says the file is context" out_has "context file (context:hcl)"
st context --entity nonsense "$WS"
check "context: --entity without TYPE:VALUE is a usage error" status_is 2
st print --entity file:x "$WS"
check "context: --entity goes with context only" status_is 2

# ---- changes, symptoms and entities: the classify pass behind print -o json
cd "$SRC" || exit 2
# clpy FILE CHECK...: each CHECK is "TEXT|key.path=value|..." (the event
# whose text holds TEXT has every key.path equal to the JSON value), or
# "!TEXT|key" (that event has no such key), or "TEXT|entities>type:value"
# (its entities hold type:value); the file's events must all carry
# entities, and kind "change" exactly when they carry a change
clpy() {
	python3 - "$@" <<'PY'
import json, sys
TYPES = {"namespace", "workload", "pod", "container", "host", "service", "unit", "path",
         "file", "configmap", "secret", "flag", "ip", "port", "database", "resource",
         "package", "image"}
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
for e in evs:
    if not isinstance(e.get("entities"), list):
        sys.exit("no entities list: %r" % e["text"][:100])
    for x in e["entities"]:
        t, _, v = x.partition(":")
        if t not in TYPES or not v:
            sys.exit("bad entity %r in %r" % (x, e["text"][:100]))
    if ("change" in e) != (e["kind"] == "change"):
        sys.exit("kind %s, change %r: %r" % (e["kind"], e.get("change"), e["text"][:100]))
    if "change" in e and list(e["change"]) != ["action", "object", "namespace", "host", "actor", "rule"]:
        sys.exit("change keys %s" % list(e["change"]))
    if "symptom" in e and list(e["symptom"]) != ["type", "detail", "rule"]:
        sys.exit("symptom keys %s" % list(e["symptom"]))
for chk in sys.argv[2:]:
    neg = chk.startswith("!")
    parts = chk.lstrip("!").split("|")
    hits = [e for e in evs if parts[0] in e["text"]]
    if not hits:
        sys.exit("no event with %r" % parts[0])
    e = hits[0]
    for p in parts[1:]:
        if neg:
            if p in e:
                sys.exit("%r has %s: %r" % (parts[0], p, e[p]))
            continue
        if p.startswith("entities>"):
            if p[9:] not in e["entities"]:
                sys.exit("%r: no entity %s in %s" % (parts[0], p[9:], e["entities"]))
            continue
        path, _, want = p.partition("=")
        got = e
        for k in path.split("."):
            got = got.get(k, "<missing>") if isinstance(got, dict) else "<missing>"
        if got != json.loads(want):
            sys.exit("%r: %s is %r, want %s" % (parts[0], path, got, want))
PY
}
st print -o json fixtures/incidents/*/
check "classify: exit status 0 (got $RC)" status_is 0
cp "$OUT" "$T/classified.json"
CL=$T/classified.json
check "classify: the ConfigMap replacement is a change with its entities" clpy "$CL" \
	'ConfigMap analytics-config replaced|kind="change"|change.action="replace"|change.object="configmap/analytics-config"|change.namespace="analytics"|change.actor="k8s-deploy"|entities>configmap:analytics-config|entities>namespace:analytics'
check "classify: the ansible task is a change on its host" clpy "$CL" \
	'TASK [Deploy data exporter binary] changed|change.action="update"|change.object="task/Deploy data exporter binary"|change.host="prod-batch-01"|entities>host:prod-batch-01'
check "classify: the etcd leader transfer is a change" clpy "$CL" \
	'leadership transferred|change.action="leader-change"|change.object="member/3a57933972cb8131"|entities>resource:member/3a57933972cb8131'
check "classify: the terraform create is a change with its resource" clpy "$CL" \
	'replica_west: Creating...|change.action="create"|change.object="aws_db_instance.replica_west"|entities>resource:aws_db_instance.replica_west'
check "classify: still creating is progress, not another change" clpy "$CL" \
	'!Still creating... [45m elapsed]|change' 'Still creating... [45m elapsed]|kind="log"'
check "classify: a container started is no change" clpy "$CL" '!Started container (image|change' \
	'Started container (image|entities>workload:session-cache|entities>image:redis:7.2-alpine|entities>namespace:ecommerce'
check "classify: OOMKilled with exit code 137" clpy "$CL" \
	'Reason: OOMKilled, Exit Code: 137|symptom.type="oom-killed"|symptom.detail="exit code 137"|entities>pod:session-cache-7f4b8d9c65-xk2mv'
check "classify: CrashLoopBackOff" clpy "$CL" \
	'CrashLoopBackOff, Restart Count: 43|symptom.type="crash-loop"|symptom.detail="43 restarts"'
check "classify: the refused query names its peer" clpy "$CL" \
	'10.0.50.11:5432 refused|symptom.type="connection-refused"|symptom.detail="10.0.50.11:5432"|entities>ip:10.0.50.11|entities>port:5432'
check "classify: the webapp's refused session store" clpy "$CL" \
	'connect: connection refused" endpoint="/api/checkout"|symptom.detail="10.96.14.21:6379"'
check "classify: exit status 126 means not executable" clpy "$CL" \
	'status=126/n/a|symptom.type="exit-code"|symptom.detail="126: not executable"|entities>unit:data-exporter.service|entities>host:prod-batch-01'
check "classify: stale reads after the leader change" clpy "$CL" \
	'discarding stale reads|symptom.type="stale-reads"' '!discarding stale reads|change'
check "classify: Redis' failed fork" clpy "$CL" \
	"fork: Cannot allocate memory|symptom.type=\"fork-failed\"|symptom.detail=\"Cannot allocate memory\""
check "classify: host, port and database of the rollup's connection" clpy "$CL" \
	'Connected to PostgreSQL 15.4 at analytics-db:5432/warehouse|entities>host:analytics-db|entities>port:5432|entities>database:warehouse'
check "classify: a health check's state is no database" sh -c "! grep -q 'database:connected' '$CL'"
check "classify: the same events as before, with the same keys first" py jsonl "$CL" 100
st print fixtures/incidents/job-succeeded-wrong
check "classify: text output is unchanged (no notes in it)" sh -c "! grep -q -e 'configmap:' -e '\"change\"' '$OUT'"

# rules of the user's own, in a format file
CR=$T/classify
mkdir -p "$CR"
cat >"$CR/bot.format" <<'FMT'
# the deploy bot announces releases; the queue worker complains when full
[change deploy-bot]
match   = shipit: (?<app>[\w-]+) (?<ver>v[\d.]+) -> (?<env>\w+) by (?<who>\w+)
needle  = shipit:
action  = deploy
object  = {app}@{ver}
namespace = {env}
actor   = {who}
sample  = 2024-03-01T10:00:00Z INFO shipit: checkout v2.4.1 -> prod by alice
reject  = 2024-03-01T10:00:00Z INFO shipit: dry run

[symptom queue-full]
match   = queue (?<queue>\S+) is full
needle  = is full
level   = warn
type    = queue-full
detail  = {queue}
sample  = WARN queue orders is full, dropping
FMT
printf '2024-03-01T10:00:00Z INFO shipit: checkout v2.4.1 -> prod by alice\n2024-03-01T10:00:01Z WARN queue orders is full, dropping\n2024-03-01T10:00:02Z INFO queue orders is full (drill)\n' >"$CR/bot.log"
st print -o json --formats "$CR/bot.format" "$CR/bot.log"
check "user rules: exit status 0" status_is 0
check "user rules: a change" clpy "$OUT" \
	'shipit: checkout|change.action="deploy"|change.object="checkout@v2.4.1"|change.namespace="prod"|change.actor="alice"|change.rule="deploy-bot"'
check "user rules: a symptom" clpy "$OUT" 'dropping|symptom.type="queue-full"|symptom.detail="orders"'
check "user rules: below the rule's level" clpy "$OUT" '!(drill)|symptom'
mkdir -p "$CR/config/strata/formats"
cp "$CR/bot.format" "$CR/config/strata/formats/"
XDG_CONFIG_HOME=$CR/config "$BIN" print -o json "$CR/bot.log" >"$OUT" 2>"$ERR"
RC=$?
sanitized "print (rules from the formats directory)"
check "user rules: read from the formats directory" clpy "$OUT" 'shipit: checkout|change.rule="deploy-bot"'
cat >"$CR/bad.format" <<'FMT'
[change oops]
match = deploy (?<app>\w+)
needle = deploy
action = deploy
object = {application}
sample = deploy foo
FMT
st print --formats "$CR/bad.format" "$CR/bot.log"
check "user rules: a mistake is a usage error" status_is 2
check "user rules: the mistake, with its file and line" err_has \
	"bad.format:2: rule oops: object: the pattern has no group named application"
check "user rules: nothing printed" sh -c "[ ! -s '$OUT' ]"

# a command's exit is a symptom too
st print -o json "cmd:exit 127"
check "classify: cmd: exit 127 is a symptom" clpy "$OUT" \
	'status 127|symptom.type="exit-code"|symptom.detail="127: command not found"'

# live: print -f classifies each event as it comes
printf '2024-05-01T10:00:01Z INFO starting\n' >"$FW/changes.log"
"$BIN" print -f -o json "$FW/changes.log" >"$FW/out" 2>"$FW/err" &
FPID=$!
check "classify -f: the replay first" wait_for 'starting"' "$FW/out"
printf '2024-05-01T10:00:02Z INFO deployment.apps/checkout configured\n' >>"$FW/changes.log"
check "classify -f: an appended change is a change" wait_for '"kind":"change"' "$FW/out"
printf '2024-05-01T10:00:03Z ERROR dial tcp 10.0.0.9:443: i/o timeout\n' >>"$FW/changes.log"
check "classify -f: an appended symptom" wait_for '"symptom":{"type":"timeout","detail":"10.0.0.9:443"' "$FW/out"
stop_follow "classify"
check "classify -f: the change's values" clpy "$FW/out" \
	'checkout configured|change.action="update"|change.object="deployment/checkout"|entities>workload:checkout'

# ---- JSON documents as events: kubectl get events -o json (one List) and
# -w -o json (pretty-printed objects one after another), each object one
# event, read as its jq -c form would be; and apt's history.log, one event
# per apt run
cd "$SRC" || exit 2
JD=$T/jsondoc
mkdir -p "$JD"
KL=tests/data/k8s-events-list.json
KW=tests/data/k8s-events-watch.json
# jd_same A B: the events of two runs agree but for source and line
jd_same() {
	python3 - "$1" "$2" <<'PY'
import json, sys
def evs(p):
    out = []
    for l in open(p, encoding="utf-8"):
        e = json.loads(l)
        if e["text"].startswith("msg=\"cmd "):
            continue  # a command's exit
        e.pop("source"); e.pop("line")
        out.append(e)
    return out
a, b = evs(sys.argv[1]), evs(sys.argv[2])
if len(a) != 7 or a != b:
    sys.exit("%d and %d events differ:\n%s\n%s" % (len(a), len(b), a[:1], b[:1]))
PY
}
st print -o json "$KL"
check "json documents: a List: exit status 0" status_is 0
check "json documents: a List: nothing on stderr" err_empty
cp "$OUT" "$JD/list.out"
check "json documents: a List: ScalingReplicaSet, a change at its item's line" clpy "$JD/list.out" \
	'Scaled up replica set|line=4|ts="2024-09-12T14:30:00.000000Z"|format="json"|kind="change"|change.action="scale"|change.object="deployment/session-cache"|change.namespace="ecommerce"|entities>workload:session-cache'
check "json documents: a List: SuccessfulCreate" clpy "$JD/list.out" \
	'Created pod: session-cache|change.action="create"|change.object="pod/session-cache-7f4b8d9c65-xk2mv"|entities>pod:session-cache-7f4b8d9c65-xk2mv'
check "json documents: a List: Killing, on its node" clpy "$JD/list.out" \
	'Stopping container redis|change.action="kill"|change.object="container/redis"|change.host="node-3"'
check "json documents: a List: BackOff, a warning dated by lastTimestamp" clpy "$JD/list.out" \
	'Back-off restarting|ts="2024-09-12T14:37:55.000000Z"|level="warn"|symptom.type="crash-loop"|symptom.detail="container redis"'
check "json documents: a List: OOMKilling" clpy "$JD/list.out" \
	'Memory cgroup out of memory|symptom.type="oom-killed"|symptom.detail="redis-server (pid 2146)"'
check "json documents: a List: eventTime when lastTimestamp is null" clpy "$JD/list.out" \
	'FailedScheduling|ts="2024-09-12T14:38:05.123456Z"|symptom.type="unschedulable"'
check "json documents: a List: the escaped quotes of a message" clpy "$JD/list.out" \
	'Failed to pull image \"redis:7.4-alpine\"|symptom.type="image-pull"|symptom.detail="redis:7.4-alpine"'
# the same objects as jq -c '.items[]' writes them, one per line
python3 -c 'import json, sys
for i in json.load(open(sys.argv[1]))["items"]:
    print(json.dumps(i, separators=(",", ":")))' "$KL" >"$JD/events.jsonl"
st print -o json "$JD/events.jsonl"
cp "$OUT" "$JD/jsonl.out"
check "json documents: a List reads as its jq -c lines do" jd_same "$JD/list.out" "$JD/jsonl.out"
st print -o json "$KW"
cp "$OUT" "$JD/watch.out"
check "json documents: a -w stream reads as the List does" jd_same "$JD/list.out" "$JD/watch.out"
check "json documents: a -w stream: each object at its '{' line" clpy "$JD/watch.out" \
	'Scaled up replica set|line=1' 'Created pod: session-cache|line=32'
st print -o json - <"$KW"
cp "$OUT" "$JD/stdin.out"
check "json documents: from standard input" jd_same "$JD/list.out" "$JD/stdin.out"
# a command that writes half an object, sleeps, writes the rest
st print -o json "cmd:head -c 1500 $KW; sleep 0.3; tail -c +1501 $KW"
cp "$OUT" "$JD/cmd.out"
check "json documents: an object split across a command's writes" jd_same "$JD/list.out" "$JD/cmd.out"
check "json documents: a command's objects keep their lines" clpy "$JD/cmd.out" 'Created pod: session-cache|line=32'
gzip -c "$KL" >"$JD/list.json.gz"
st print -o json "$JD/list.json.gz"
cp "$OUT" "$JD/gz.out"
check "json documents: a compressed List" jd_same "$JD/list.out" "$JD/gz.out"
st stats -o json "$KL"
check "json documents: stats count lines, events and continuation lines" python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sources"][0]
want = {"format": "json", "lines": 232, "events": 7, "timed": 7, "continuation": 216, "blank": 9, "truncated": 0}
sys.exit(None if all(s[k] == v for k, v in want.items()) else "stats %r" % s)' "$OUT"
# kubectl killed in the middle of an object: the objects before it kept,
# the cut one marked, and said where
head -c 5000 "$KW" >"$JD/cut.json"
st print "$JD/cut.json"
check "json documents: cut short: exit status 0" status_is 0
check "json documents: cut short: said where" err_has \
	"cut.json: line 129, column 1: the JSON text ends inside the object that starts here: it is kept, marked truncated"
check "json documents: cut short: the objects before it kept" sh -c "[ \$(wc -l <'$OUT') -eq 5 ]"
check "json documents: cut short: the cut one marked" sh -c "tail -n 1 '$OUT' | grep -q -F '[truncated]'"
# not JSON after all: the rest read as lines, said where
printf '{\n  "time": "2024-01-01T00:00:00Z",\n  "msg": "one"\n}\n{\n  "time": "2024-01-01T00:00:01Z" oops\n}\n' >"$JD/bad.json"
st print "$JD/bad.json"
check "json documents: malformed: said where" err_has \
	"bad.json: line 6, column 34: malformed JSON: expected ',' or '}' after an object member; the rest is read as lines"
check "json documents: malformed: no line lost" sh -c "[ \$(wc -l <'$OUT') -eq 4 ] && grep -q oops '$OUT'"
# followed: a -w stream from a live command, and objects appended to a file
"$BIN" print -f -o json "cmd:head -c 1500 $KW; sleep 0.5; tail -c +1501 $KW; sleep 30" >"$FW/out" 2>"$FW/err" &
FPID=$!
check "json documents -f: a live command's first object" wait_for 'Scaled up replica set' "$FW/out"
check "json documents -f: its last object, while it runs" wait_for 'FailedScheduling' "$FW/out"
stop_follow "json documents, cmd"
check "json documents -f: every object once" sh -c "[ \$(grep -c '\"format\":\"json\"' '$FW/out') -eq 7 ]"
head -n 31 "$KW" >"$JD/follow.json"
"$BIN" print -f -o json "$JD/follow.json" >"$FW/out" 2>"$FW/err" &
FPID=$!
check "json documents -f: a followed file's first object" wait_for 'Scaled up replica set' "$FW/out"
sed -n '32,50p' "$KW" >>"$JD/follow.json"
sleep 0.3
sed -n '51,62p' "$KW" >>"$JD/follow.json"
check "json documents -f: an object appended in two writes" wait_for 'Created pod: session-cache' "$FW/out"
stop_follow "json documents, file"
check "json documents -f: the appended object once, at its line" clpy "$FW/out" 'Created pod: session-cache|line=32'
check "json documents -f: two objects, two events" sh -c "[ \$(wc -l <'$FW/out') -eq 2 ]"

# apt's history.log: a record (Start-Date to End-Date) is one event, dated
# by its start in local time, and one change
AH=tests/data/apt-history.log
st print -o json --assume-tz Europe/Berlin "$AH"
check "apt history: exit status 0" status_is 0
cp "$OUT" "$JD/apt.out"
check "apt history: one event per record" sh -c "[ \$(wc -l <'$JD/apt.out') -eq 4 ]"
check "apt history: an upgrade by unattended-upgrades" clpy "$JD/apt.out" \
	'Upgrade: libssl3|line=2|format="apt-history"|ts="2024-05-02T04:25:13.000000Z"|kind="change"|change.action="upgrade"|change.object="package/libssl3"|change.actor="unattended-upgrade"|change.rule="apt-history"|entities>package:openssl'
check "apt history: an install, who asked, the package asked for" clpy "$JD/apt.out" \
	'Install: liblzf1|line=7|change.action="install"|change.object="package/redis-server"|change.actor="admin"|entities>package:liblzf1'
check "apt history: a purge is a removal" clpy "$JD/apt.out" \
	'Purge: telnet|change.action="remove"|change.object="package/telnet"'
check "apt history: the record's text runs to its End-Date" python3 -c '
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])][3]
sys.exit(None if e["text"].startswith("Start-Date: 2024-05-04  06:31:55\nCommandline: ") and e["text"].endswith("\nEnd-Date: 2024-05-04  06:32:10") else repr(e["text"]))' "$JD/apt.out"
st formats
check "apt history: in the formats list" out_has "apt-history     built-in  apt's history.log"
# followed: a run shows as soon as apt starts it, before its End-Date
: >"$JD/history.log"
"$BIN" print -f -o json "$JD/history.log" >"$FW/out" 2>"$FW/err" &
FPID=$!
sleep 0.3
printf '\nStart-Date: 2024-05-06  09:00:01\nCommandline: apt-get install -y jq\nRequested-By: admin (1000)\nInstall: jq:amd64 (1.6-2.1)\n' >>"$JD/history.log"
check "apt history -f: a run in progress is a change" wait_for '"object":"package/jq"' "$FW/out"
stop_follow "apt history"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
