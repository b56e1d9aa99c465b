#!/usr/bin/env bash
# What an R costs inside Redis, counted in instructions (valgrind's callgrind), which unlike
# CPU time does not move with the machine's load. Replays N R commands shaped like IndexLoad's
# (6 load sockets, a new peer name every 5,000, every R a new content; each with its shared-reply
# key) into a fresh redis-server running under callgrind, through one pipelined connection
# (redis-cli --pipe), and prints the instructions per R beside those of an empty script given
# the same 20 arguments (the floor of any EVALSHA) and of starting Redis alone; then the same R
# taken BATCH at a time (default 8 and 32) by register_many.lua, as a node on a standalone store
# sends a receive batch's R, both with the six load sockets' R interleaved and with each batch
# from one peer (SHAPE=one in gen).
#   bench/redis-lua-cost.sh [N (20000)] [REV ...]   REV: git revisions to count too (e.g. main)
#   BATCH="8 32" bench/redis-lua-cost.sh
#   SHAPE=bench: the batches counted as "6 peers interleaved" are RedisBench's shape instead (each
#   call one load socket's R, 5,000 per peer per socket: run AC in docs/benchmarks.md)
#   KEEP=DIR: keep each count's callgrind output there (for callgrind_annotate); PORT=N PORTS=M:
#   each counted server takes a random port of N..N+M-1 (default 21000 and 5000)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20000}; shift || true
command -v valgrind >/dev/null || { echo "redis-lua-cost.sh: needs valgrind" >&2; exit 1; }
command -v redis-server >/dev/null || "$here/scripts/redis.sh" install
dir=$(mktemp -d /tmp/peershare-lua-cost.XXXXXX)
trap 'rm -rf "$dir"' EXIT
lua=index/src/main/resources/io/peershare/index/redis

# gen SCRIPTDIR MAIN N OUT [B]: the RESP stream (SCRIPT LOAD, then N EVALSHA) for once.lua +
# peer.lua + MAIN, or for an empty script when MAIN is "empty"; with B, N R in N/B EVALSHA of
# register_many.lua
gen() {
  python3 - "$@" <<'PY'
import sys, zlib, hashlib, os, struct
d, main, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
batch = int(sys.argv[5]) if len(sys.argv) > 5 else 0
# with SHAPE=one, each batch's R come from one peer (a node's socket reading one sharer's burst);
# (RUN of them in a row without batches); with SHAPE=bench as RedisBench sends them (below);
# otherwise the six load sockets' R interleave
one = os.environ.get('SHAPE') == 'one'
def read(x): return open(os.path.join(d, x), 'rb').read()
def resp(args):
    b = [b'*%d\r\n' % len(args)]
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        b.append(b'$%d\r\n%s\r\n' % (len(a), a))
    return b''.join(b)
packed = main != 'empty' and b'struct.unpack' in read(main)
# content.lua (the content-side helpers, where the revision has them) goes after peer.lua, as the
# index's Script enum puts it
content = read('content.lua') + b'\n' if os.path.exists(os.path.join(d, 'content.lua')) else b''
src = b"return {'NEW'}" if main == 'empty' else read('once.lua') + b'\n' + read('peer.lua') + b'\n' + content + read(main)
sha = hashlib.sha1(src).hexdigest()
now = 1765000000000
with open(out, 'wb') as f:
    f.write(resp(['SCRIPT', 'LOAD', src]))
    group_keys, group_args = [b'ps:names'], [str(now), '90000', '10000', '30000', '3000']
    group = []
    for i in range(n):
        run = int(os.environ.get('RUN') or batch or 1)
        sock, m = ((i // run) % 6, i) if one else (i % 6, i // 6)
        if os.environ.get('SHAPE') == 'bench':
            # RedisBench's three-node phase: each call one load socket's R in a row, the six
            # sockets taking turns, a new peer every 5,000 of a socket's R (run AC)
            sock, m = (i // (batch or 1)) % 6, (i // (6 * (batch or 1))) * (batch or 1) + i % (batch or 1)
        peer = ('load%d-%d' % (sock, m // 5000)).encode()
        content = ('f%d-%d' % (sock, m)).encode()
        b = zlib.crc32(peer) % 64
        source = b'\x7f\x00\x00\x01' + struct.pack('>HI', 40000 + sock, m)
        keys = [b'ps:p{b%d}' % b + peer, b'ps:l{b%d}' % b, b'ps:n{b%d}' % b,
                b'ps:c{' + content + b'}', b'ps:q{' + content + b'}', b'ps:names',
                b'ps:r{b%d}' % b + source]
        args = [peer, b'\x7f\x00\x00\x01', content, str(now + m // 100), '90000', '10000',
                struct.pack('>HB', 5000, 4) + b'\x7f\x00\x00\x01', struct.pack('>Q', 4000) + b'D' * 32,
                b'A' + struct.pack('>IH', m, 90), '30000', hashlib.sha256(content).digest(),
                b'token' + struct.pack('>Q', i), '3000']
        if packed and not batch:
            # register_all.lua taking its arguments as one string (struct.unpack's formats); since
            # run V without the queue key
            if b'rk = KEYS[6]' in read(main): keys = keys[:4] + keys[5:]
            def s8(x): return struct.pack('>B', len(x)) + x
            def s16(x): return struct.pack('>H', len(x)) + x
            t = now + m // 100
            blob = (s16(peer) + s8(b'\x7f\x00\x00\x01') + s16(content)
                    + struct.pack('>qqi', t, 90000, 10000) + s8(str(t).encode())
                    + s8(str(t + 90000).encode()) + s8(args[6]) + args[7]
                    + s8(args[8]) + s8(b'30000') + s8(b'3000') + args[10] + s8(args[11]))
            if b'for k = 6, #KEYS do' in read(main) or b'claim_in(6' in read(main):
                # since run X the claim in time buckets (once.lua): the buckets for the reply
                # key, the newest's time to live for the keep, and the request's field last
                w = 15000
                keys = keys[:5] + [b'ps:rb:%d' % (t // w - k) for k in range(3)]
                blob = (s16(peer) + s8(b'\x7f\x00\x00\x01') + s16(content)
                        + struct.pack('>qqi', t, 90000, 10000) + s8(str(t).encode())
                        + s8(str(t + 90000).encode()) + s8(args[6]) + args[7] + s8(args[8])
                        + s8(str((t // w + 1) * w + 30000 - t).encode()) + s8(b'3000')
                        + args[10] + s8(args[11]) + s8(source))
            f.write(resp(['EVALSHA', sha, str(len(keys))] + keys + [blob]))
        elif packed and batch:
            # register_many.lua taking one string: the call's peers once, then each R
            def s8(x): return struct.pack('>B', len(x)) + x
            group.append((peer, content, args, b, source))
            if (i + 1) % batch == 0 or i == n - 1:
                t = int(group[0][2][3])  # one time for the batch: its first R's
                order = []
                for g in group:
                    if g[0] not in order: order.append(g[0])
                ks = [b'ps:names']
                # since run X the claims in time buckets (once.lua): their keys after every R's,
                # the newest bucket's expiry in the header, each R's source after every R
                buckets = b'claims()' in read(main)
                w = 15000
                blob = struct.pack('>qqi', t, 90000, 10000) + s8(str(t).encode()) \
                    + s8(str(t + 90000).encode()) \
                    + s8(str((t // w + 1) * w + 30000 - t).encode() if buckets else b'30000') \
                    + s8(b'3000') + struct.pack('>H', len(order))
                for pn in order:
                    pb = zlib.crc32(pn) % 64
                    ks += [b'ps:p{b%d}' % pb + pn, b'ps:l{b%d}' % pb, b'ps:n{b%d}' % pb]
                    blob += struct.pack('>H', len(pn)) + pn
                # since run R each R's strings come whole (the provider value with the stamp,
                # the claim 'D' + hash + A) and the tokens after every R
                whole = b"'HBc0Hc0Bc0c40Bc0'" in read(main)
                # since run V no queue key per R (the script makes it from the content hash's)
                noq = b'(#KEYS - base) / 2' in read(main) or buckets
                for (pn, cn, a, pb, src) in group:
                    ks += [b'ps:c{' + cn + b'}'] + ([] if noq else [b'ps:q{' + cn + b'}']) \
                        + ([] if buckets else [b'ps:r{b%d}' % pb + src])
                    blob += struct.pack('>H', order.index(pn)) + s8(a[1]) \
                        + struct.pack('>H', len(cn)) + cn
                    if whole:
                        blob += s8(a[6] + str(t).encode()) + a[7] + s8(b'D' + a[10] + a[8])
                    else:
                        blob += s8(a[6]) + a[7] + s8(a[8]) + a[10] + s8(a[11])
                if buckets:
                    ks += [b'ps:rb:%d' % (t // w - k) for k in range(3)]
                    for g in group:
                        blob += s8(g[4])
                if whole:
                    for g in group:
                        blob += s8(g[2][11])
                f.write(resp(['EVALSHA', sha, str(len(ks))] + ks + [blob]))
                group = []
        elif batch:
            if len(group_keys) == 1:
                group_args[0] = args[3]  # one time for the batch: its first R's
            group_keys += keys[:5] + keys[6:]
            group_args += [args[0], args[1], args[2], args[6] , args[7], args[8], args[10], args[11]]
            if (i + 1) % batch == 0 or i == n - 1:
                f.write(resp(['EVALSHA', sha, str(len(group_keys))] + group_keys + group_args))
                group_keys, group_args = [b'ps:names'], group_args[:5]
        else:
            f.write(resp(['EVALSHA', sha, str(len(keys))] + keys + args))
PY
}

# count FILE: instructions of a redis-server that started, took FILE and stopped
count() {
  local d port vp
  d=$(mktemp -d "$dir/cg.XXXXXX")
  port=$((${PORT:-21000} + RANDOM % ${PORTS:-5000}))
  valgrind --tool=callgrind --callgrind-out-file="$d/cg.out" redis-server --port "$port" \
    --bind 127.0.0.1 --save '' --appendonly no --dir "$d" >"$d/log" 2>&1 &
  vp=$!
  for _ in $(seq 1 200); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done
  # the server goes down whether the replay worked or not (count runs in a subshell, so an
  # exit here would otherwise leave valgrind's redis-server running)
  local ok=1
  redis-cli -p "$port" --pipe <"$1" >"$d/pipe.out" && grep -q 'errors: 0' "$d/pipe.out" || ok=0
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$vp" 2>/dev/null || true
  wait "$vp" || true
  [ "$ok" = 1 ] || { echo "redis-lua-cost.sh: replay of $1 failed:" >&2; cat "$d/pipe.out" >&2; exit 1; }
  [ -z "${KEEP:-}" ] || cp "$d/cg.out" "$KEEP/$(basename "$1" .resp).cg"
  grep -E '^(summary|totals):' "$d/cg.out" | head -1 | awk '{print $2}'
}

mkdir -p "$dir/tree"; cp "$here/$lua"/*.lua "$dir/tree/"
gen "$dir/tree" empty 0 "$dir/zero.resp"
gen "$dir/tree" empty "$n" "$dir/empty.resp"
gen "$dir/tree" register_all.lua "$n" "$dir/tree.resp"
base=$(count "$dir/zero.resp")
per() { echo $(( ($(count "$1") - base) / n )); }
echo "instructions per command in redis-server ($n commands, Redis $(redis-server --version | cut -d' ' -f3)):"
echo "  EVALSHA of an empty script, same 20 arguments: $(per "$dir/empty.resp")"
echo "  R (register_all.lua), working tree:            $(per "$dir/tree.resp")"
for b in ${BATCH:-8 32}; do
  gen "$dir/tree" register_many.lua "$n" "$dir/many$b.resp" "$b"
  printf '  R in batches of %-3s (register_many.lua), 6 peers interleaved: %s\n' "$b" "$(per "$dir/many$b.resp")"
  SHAPE=one gen "$dir/tree" register_many.lua "$n" "$dir/one$b.resp" "$b"
  printf '  R in batches of %-3s (register_many.lua), one peer per batch:  %s\n' "$b" "$(per "$dir/one$b.resp")"
done
# the same one-peer batches taken one R per script, for comparison
SHAPE=one RUN=32 gen "$dir/tree" register_all.lua "$n" "$dir/tree-one.resp"
echo "  R (register_all.lua), one peer's 32 R in a row: $(per "$dir/tree-one.resp")"
for rev in "$@"; do
  mkdir -p "$dir/$rev"
  git -C "$here" archive "$rev" "$lua" | tar -x -C "$dir/$rev" --strip-components=8
  gen "$dir/$rev" register_all.lua "$n" "$dir/$rev.resp"
  printf '  R (register_all.lua), %-24s %s\n' "$rev:" "$(per "$dir/$rev.resp")"
  for b in ${BATCH:-8 32}; do
    gen "$dir/$rev" register_many.lua "$n" "$dir/$rev-many$b.resp" "$b"
    printf '  R in batches of %-3s (register_many.lua), 6 peers interleaved, %s: %s\n' "$b" "$rev" "$(per "$dir/$rev-many$b.resp")"
  done
done
