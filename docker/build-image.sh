#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the MailDouble container image (default tag maildouble:latest) from this machine's release build:
# assembles docker/rootfs/ (binary, the shared libraries `ldd` lists at their own paths, CA bundle, fixtures)
# and runs `podman build` on docker/Containerfile. Nothing is pulled from a registry.
#   docker/build-image.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-maildouble:latest}
binary=.build/release/maildouble
rootfs=docker/rootfs
[ -x "$binary" ] || { echo "no $binary: run 'make build' first (make image does)" >&2; exit 1; }

rm -rf "$rootfs"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/share/maildouble" "$rootfs/var/lib/maildouble" \
  "$rootfs/etc/ssl/certs" "$rootfs/tmp"
cp "$binary" "$rootfs/usr/local/bin/"
cp -r fixtures "$rootfs/usr/local/share/maildouble/"
# Each library at the path the dynamic loader looks for it (ldd prints resolved absolute paths).
for lib in $(ldd "$binary" | grep -o '/[^ ]*'); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
chmod 1777 "$rootfs/tmp"

# Docker's image format: the OCI format has no HEALTHCHECK, and podman drops it with a warning.
podman build --quiet --format docker -t "$tag" -f docker/Containerfile docker
echo "built $tag ($(du -sh "$rootfs" | cut -f1) root file system)"
