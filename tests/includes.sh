#!/bin/sh
# includes.sh: the include graph of the sources stays a one-way chain.
# A module is a file's name without its extension (x.c and x.h are
# module x; a private x_int.h belongs to x too).  TAP:
#   1. no two modules include each other, directly or round a longer
#      cycle (each cycle found is printed);
#   2. the layers hold: base/ includes only base/, parsers/ only
#      parsers/ and base/, storage/ only storage/, parsers/ and base/,
#      and only daemon/ reaches the network, the loop and the config.
: "${top_srcdir:=.}"
python=/usr/bin/python3
[ -x "$python" ] || python=${PYTHON3:-python3}
exec "$python" - "$top_srcdir" <<'PY'
import os, re, sys

top = sys.argv[1]
LAYERS = {"base": {"base"}, "parsers": {"parsers", "base"},
          "storage": {"storage", "parsers", "base"},
          "daemon": {"daemon", "storage", "parsers", "base"}}
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

files = []
for d in LAYERS:
    for n in sorted(os.listdir(os.path.join(top, d))):
        if n.endswith((".c", ".h")):
            files.append(os.path.join(d, n))
known = set(files)


def module(path):
    stem = os.path.splitext(path)[0]
    return stem[:-4] if stem.endswith("_int") else stem


def resolve(src, name):
    """The tree file an #include "name" in src means, or None."""
    for cand in (os.path.join(os.path.dirname(src), name), name):
        cand = os.path.normpath(cand)
        if cand in known:
            return cand
    return None


edges, layer_bad = {}, []
for f in files:
    with open(os.path.join(top, f), encoding="utf-8", errors="replace") as h:
        text = h.read()
    for name in INC.findall(text):
        g = resolve(f, name)
        if g is None:
            continue
        a, b = module(f), module(g)
        if a != b:
            edges.setdefault(a, set()).add(b)
        if g.split("/")[0] not in LAYERS[f.split("/")[0]]:
            layer_bad.append("%s includes %s" % (f, g))

# Tarjan's strongly connected components: any with two or more modules
# is a cycle.
index, low, stack, on, sccs = {}, {}, [], set(), []
sys.setrecursionlimit(10000)


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in sorted(edges.get(v, ())):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


for v in sorted({module(f) for f in files}):
    if v not in index:
        visit(v)

print("1..2")
for c in sccs:
    print("# cycle: " + " <-> ".join(c))
print("%sok 1 - no include cycle between modules (%d modules)"
      % ("not " if sccs else "", len(index)))
for l in layer_bad:
    print("# layer: " + l)
print("%sok 2 - base/, parsers/ and storage/ include no higher layer"
      % ("not " if layer_bad else ""))
sys.exit(1 if sccs or layer_bad else 0)
PY
