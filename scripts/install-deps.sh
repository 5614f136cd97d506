#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages MailDouble needs, only those missing. Usage:
#   scripts/install-deps.sh build   # C libraries to build and run (libssl-dev, libnghttp2-dev, pkg-config)
#   scripts/install-deps.sh test    # + curl for the interop tests
#   scripts/install-deps.sh bench   # + wrk, h2load (nghttp2-client), nginx-light for the benchmarks
#   scripts/install-deps.sh image   # + podman, runc, and ca-certificates for the container image
set -euo pipefail
profile=${1:-build}
packages=(libssl-dev libnghttp2-dev pkg-config)
case "$profile" in
  build) ;;
  test) packages+=(curl ca-certificates) ;;
  bench) packages+=(curl ca-certificates wrk nghttp2-client nginx-light openjdk-17-jre-headless util-linux) ;;
  # runc beside podman's default crun: where crun cannot set up a container (nested in another one, or
  # without cgroup delegation), docker/podman-setup.sh points podman at runc.
  image) packages+=(ca-certificates podman runc) ;;
  *) echo "usage: $0 build|test|bench|image" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
