#!/usr/bin/env python3
"""gen.py: writes N feed documents for the scale benchmark.

Feed i is corpus document (i mod M), byte for byte, except that every
absolute http(s) URL gets the host label "f<i>." and every guid / atom:id
that is not a URL gets the prefix "f<i>-": each feed's entries are its own,
so no reader can skip work by recognising an article seen in another feed.

usage: gen.py CORPUS_DIR OUT_DIR N HOSTS PORT
Writes OUT_DIR/f/NNNNN.xml and prints one "NAME URL" line per feed, the
URL on host 127.0.0.(1 + i mod HOSTS).
"""
import os
import re
import sys

URL = re.compile(rb'(https?://)(?=[A-Za-z0-9])')
# Namespace names are identifiers, not links: they must stay as they are.
XMLNS = re.compile(rb'xmlns(?::[\w.-]+)?\s*=\s*("[^"]*"|\'[^\']*\')')
ID = re.compile(rb'(<(?:guid|id)\b[^>]*>\s*(?:<!\[CDATA\[)?\s*)(?!https?://)')


def main():
    corpus, out, n, hosts, port = sys.argv[1:6]
    n, hosts = int(n), int(hosts)
    docs = []
    for name in sorted(os.listdir(corpus)):
        if not name.endswith('.xml'):
            continue
        with open(os.path.join(corpus, name), 'rb') as f:
            docs.append(f.read())
    os.makedirs(os.path.join(out, 'f'), exist_ok=True)
    lines = []
    for i in range(n):
        doc = docs[i % len(docs)]
        tag = b'f%d' % i
        keep = []

        def hide(m):
            keep.append(m.group(0))
            return b'\0%d\0' % (len(keep) - 1)
        doc = XMLNS.sub(hide, doc)
        doc = URL.sub(lambda m: m.group(1) + tag + b'.', doc)
        doc = re.sub(rb'\0(\d+)\0', lambda m: keep[int(m.group(1))], doc)
        doc = ID.sub(lambda m: m.group(1) + tag + b'-', doc)
        path = os.path.join(out, 'f', '%05d.xml' % i)
        with open(path, 'wb') as f:
            f.write(doc)
        lines.append('f%05d http://127.0.0.%d:%s/f/%05d.xml'
                     % (i, 1 + i % hosts, port, i))
    sys.stdout.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
