#!/usr/bin/env bash
# Starts dockerd in the background when none answers; prints "started" when this script started it.
set -euo pipefail
if docker version >/dev/null 2>&1; then echo "running"; exit 0; fi
log=${DOCKERD_LOG:-/tmp/stowaway-dockerd.log}
nohup dockerd >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if docker version >/dev/null 2>&1; then echo "started"; exit 0; fi
  sleep 0.5
done
echo "dockerd did not come up; see $log" >&2
tail -n 30 "$log" >&2 || true
exit 1
