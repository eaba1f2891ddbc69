#!/bin/bash
# One round: fresh containerd + lamina snapshotter; unpack timing of py.tar into overlayfs and lamina
# (content ingested first, so both time only the unpack), then ctr run --rm x10 each, interleaved.
# $1 = round dir, $2 = order (ol|lo), $3 = "fast" to lamina-image-import the archive first.
# Usage: bench/scripts/snapshotter-bench-image.sh /tmp/sb/py.tar; IMAGE=/tmp/sb/py.tar RUNS=10 $0 /tmp/sb/r1 ol
# (root; needs containerd, ctr, runc, bc, curl). Stops what it started by pid; rm -rf the round dir after.
set -uo pipefail
R=$1; order=$2; fast=${3:-}
LAMINA=${LAMINA:-$(cd "$(dirname "$0")/../.." && pwd)/bin/lamina}
mkdir -p $R
if [ "$fast" = fast ]; then $LAMINA --root $R/lamina image import ${IMAGE:-/tmp/snapbench/py.tar} >/dev/null 2>&1 || echo "lamina import failed"; fi
$LAMINA --root $R/lamina snapshotter --address $R/lamina.sock --metrics-address 127.0.0.1:${MPORT:-19555} > $R/lamina.log 2>&1 &
lpid=$!
for i in $(seq 100); do [ -S $R/lamina.sock ] && break; sleep 0.1; done
cat > $R/config.toml <<C
version = 2
root = "$R/root"
state = "$R/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$R/containerd.sock"
[proxy_plugins]
  [proxy_plugins.lamina]
    type = "snapshot"
    address = "$R/lamina.sock"
C
containerd --config $R/config.toml > $R/containerd.log 2>&1 &
cpid=$!
for i in $(seq 100); do ctr -a $R/containerd.sock version >/dev/null 2>&1 && break; sleep 0.1; done
CTR="ctr -a $R/containerd.sock -n bench"
$CTR images import --no-unpack ${IMAGE:-/tmp/snapbench/py.tar} >/dev/null
t() { local s=$(date +%s.%N); "$@" >/dev/null 2>>$R/err.log; local rc=$?; local e=$(date +%s.%N); echo "$(echo "$e - $s" | bc) rc=$rc"; }
for sn in $( [ $order = ol ] && echo "overlayfs lamina" || echo "lamina overlayfs"); do
  sync
  echo "unpack $sn $(t $CTR images import --snapshotter $sn ${IMAGE:-/tmp/snapbench/py.tar})"
done
for i in $(seq ${RUNS:-10}); do
  for sn in overlayfs lamina; do
    echo "run $sn $(t $CTR run --rm --snapshotter $sn docker.io/bench/py:latest c-$sn-$i /bin/true)"
  done
done
curl -s 127.0.0.1:${MPORT:-19555}/metrics > $R/metrics.txt; kill -TERM $cpid; wait $cpid
kill -TERM $lpid; wait $lpid
grep -c "$R" /proc/mounts
