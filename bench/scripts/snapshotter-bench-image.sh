#!/bin/bash
# Builds an OCI archive (2 uncompressed layers: busybox, then /usr/lib/python3.11) at $1.
set -euo pipefail
out=$1; w=$(mktemp -d)
mkdir -p $w/l1/bin $w/l1/etc $w/l1/proc $w/l1/dev $w/l1/sys $w/l1/tmp $w/layout/blobs/sha256
cp /bin/busybox $w/l1/bin/busybox; ln -s busybox $w/l1/bin/sh; ln -s busybox $w/l1/bin/true
echo root:x:0:0:root:/root:/bin/sh > $w/l1/etc/passwd
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C $w/l1 -cf $w/l1.tar .
tar --sort=name --mtime=@0 --numeric-owner -C / -cf $w/l2.tar usr/lib/python3.11
put() { local d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" $w/layout/blobs/sha256/$d; echo $d; }
d1=$(put $w/l1.tar); d2=$(put $w/l2.tar)
s1=$(stat -c %s $w/l1.tar); s2=$(stat -c %s $w/l2.tar)
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' $d1 $d2 > $w/config.json
dc=$(put $w/config.json); sc=$(stat -c %s $w/config.json)
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' $dc $sc $d1 $s1 $d2 $s2 > $w/manifest.json
dm=$(put $w/manifest.json); sm=$(stat -c %s $w/manifest.json)
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"docker.io/bench/py:latest"}}]}' $dm $sm > $w/layout/index.json
echo '{"imageLayoutVersion":"1.0.0"}' > $w/layout/oci-layout
tar -C $w/layout -cf $out .
rm -rf $w
echo "layers: $s1 + $s2 bytes"
