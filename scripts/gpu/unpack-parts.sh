#!/usr/bin/env bash
# On the GPU machine, from the project root, once every part of scripts/gpu/parts.sh is in /root/stash:
# the model back in /root/stash (its sha256 checked) and the .gpu/ kit back in the checkout.
set -euo pipefail
cd "$(dirname "$0")/../.."
. /root/stash/manifest
found=$(ls /root/stash/part.* | wc -l)
[ "$found" -eq "$PARTS" ] || { echo "unpack-parts.sh: $found of $PARTS parts in /root/stash" >&2; exit 1; }
cat /root/stash/part.* > /root/stash/payload
head -c "$MODEL_BYTES" /root/stash/payload > "/root/stash/$MODEL_NAME"
tail -c +"$((MODEL_BYTES + 1))" /root/stash/payload | tar -xf -
rm /root/stash/payload /root/stash/part.*
echo "$MODEL_SHA256  /root/stash/$MODEL_NAME" | sha256sum -c -
