#!/usr/bin/env python3
"""check.py: did a follower print every line the writer wrote, once, in order?

    check.py MANIFEST OUTPUT [--raw] [--ct-race]

MANIFEST is the writer's (NAME LINES LAST_SEQ CT_SEQ ROTATIONS per file);
OUTPUT is the follower's stdout: `strata print -f -o json` lines, or with
--raw plain text lines (to check the harness against `tail -F`).

For every writer file: each seq 1..LAST_SEQ appears at most once, the seqs
appear in increasing order, and every printed line is whole (the exact text
the writer wrote, its stamp equal to the event's ts in JSON mode).

Missing lines fail the check. strata reads a copytruncated file's copy from
where it left off, so it must lose nothing. --ct-race (used to check the
harness with GNU tail -F) allows the copytruncate race that a reader who
never opens the copy has: when the file is copied and truncated in
place, the lines the reader had not read yet are only in the copy, which a
reader following the name never opens; and if the file grows back past the
reader's offset before the reader notices the truncation, the reader cannot
tell (same inode, size >= offset) and resumes mid-file, so the first new
lines are lost too and one partial line may come out. So for a file with
CT_SEQ > 0, the missing seqs may form ONE contiguous run that touches the
truncation point (it contains CT_SEQ or CT_SEQ + 1), with at most one
partial line from that file printed where the run is. Everything else is a
failure. The size of that run is reported.
"""
import json
import re
import sys

LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) seq=(\d+) file=(\S+) pad=([a-z]{36})$")


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: check.py MANIFEST OUTPUT [--raw]")
    raw = "--raw" in sys.argv[3:]
    files = {}
    for ln in open(sys.argv[1]):
        name, lines, last, ct, rot = ln.split()
        files[name] = {"lines": int(lines), "last": int(last), "ct": int(ct), "rot": int(rot),
                       "seqs": [], "partial": [], "late": 0}
    errors = []
    nout = 0
    with open(sys.argv[2], "rb") as f:
        for n, b in enumerate(f, 1):
            nout += 1
            if not b.endswith(b"\n"):
                errors.append("output line %d has no newline (the follower stopped mid-line?)" % n)
                break
            text = b[:-1].decode("utf-8", "replace")
            ts = None
            source = None
            if not raw:
                try:
                    ev = json.loads(text)
                except ValueError as e:
                    errors.append("output line %d is not JSON (%s): %r" % (n, e, text[:200]))
                    continue
                text, ts, source = ev.get("text"), ev.get("ts"), ev.get("source") or ""
                if ev.get("late") is True:
                    pass  # allowed: arrival order may interleave files
                if not isinstance(text, str):
                    errors.append("output line %d: no text: %r" % (n, b[:200]))
                    continue
            m = LINE.match(text)
            ok = m is not None
            if ok:
                stamp, seq, name, pad = m.group(1), int(m.group(2)), m.group(3), m.group(4)
                ok = name in files and pad == chr(ord("a") + seq % 26) * 36
            if not ok:
                # a partial line: blame the file named in the source or text
                who = [k for k in files if (source and source.rsplit("/", 1)[-1].startswith(k))
                       or ("file=" + k) in text]
                if len(who) == 1 and files[who[0]]["ct"] > 0 and "--ct-race" in sys.argv[3:]:
                    files[who[0]]["partial"].append((n, text, len(files[who[0]]["seqs"])))
                else:
                    errors.append("output line %d is not a whole writer line: %r" % (n, text[:200]))
                continue
            if ts is not None and ts != stamp:
                errors.append("output line %d: ts %s, the line says %s" % (n, ts, stamp))
            if not raw and ev.get("late") is True:
                files[name]["late"] += 1
            files[name]["seqs"].append(seq)

    total_missing = 0
    ct_gaps = []
    for name, fi in sorted(files.items()):
        seqs = fi["seqs"]
        seen = set()
        dups = []
        for s in seqs:
            if s in seen:
                dups.append(s)
            seen.add(s)
        if dups:
            errors.append("%s: %d duplicated lines (seq %s)" % (name, len(dups), dups[:10]))
        disorder = [(a, b) for a, b in zip(seqs, seqs[1:]) if b <= a and b not in dups]
        if disorder:
            errors.append("%s: %d lines out of order (seq %d after %d, ...)"
                          % (name, len(disorder), disorder[0][1], disorder[0][0]))
        bad = [s for s in seen if s < 1 or s > fi["last"]]
        if bad:
            errors.append("%s: seqs the writer never wrote: %s" % (name, sorted(bad)[:10]))
        missing = sorted(set(range(1, fi["last"] + 1)) - seen)
        total_missing += len(missing)
        ct = fi["ct"] if "--ct-race" in sys.argv[3:] else 0
        if ct > 0:
            contiguous = not missing or missing[-1] - missing[0] + 1 == len(missing)
            touches = not missing or (missing[0] <= ct + 1 and missing[-1] >= ct)
            if not (contiguous and touches):
                errors.append("%s: %d lines lost outside the copytruncate race window (truncated after "
                              "seq %d; lost seq %s ...)" % (name, len(missing), ct, missing[:10]))
            if len(fi["partial"]) > 1 or (fi["partial"] and not missing):
                errors.append("%s: %d partial lines (%r)" % (name, len(fi["partial"]), fi["partial"][0][1][:200]))
            ct_gaps.append("%s: %d lines lost in the copytruncate race (seq %s..%s), %d partial"
                           % (name, len(missing), missing[0] if missing else "-",
                              missing[-1] if missing else "-", len(fi["partial"])))
        elif missing:
            errors.append("%s: %d lines lost (seq %s ...; wrote %d)" % (name, len(missing), missing[:10], fi["last"]))

    nlines = sum(fi["last"] for fi in files.values())
    nrot = sum(fi["rot"] for fi in files.values())
    nlate = sum(fi["late"] for fi in files.values())
    print("check: %d files, %d lines written, %d rotations by rename; %d output lines, %d missing, %d late"
          % (len(files), nlines, nrot, nout, total_missing, nlate))
    for g in ct_gaps:
        print("check: " + g)
    if errors:
        for e in errors[:20]:
            print("FAIL: " + e)
        sys.exit(1)
    print("check: ok")


if __name__ == "__main__":
    main()
