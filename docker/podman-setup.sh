#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Makes `podman run` work as the README writes it on hosts where podman's defaults do not (run by `make image`
# after scripts/install-deps.sh image). Changes nothing on a host where they do. Two known cases, both found
# on this project's sandboxes (Debian 12, podman 4.3, root inside another container):
#  - crun cannot create the container (no cgroup delegation): podman is pointed at runc;
#  - the host's hard RLIMIT_NOFILE is below what podman asks for a rootful container (1048576), so runc fails
#    with "setrlimit RLIMIT_NOFILE: operation not permitted": podman is told to set no default ulimits.
# Both go into one drop-in, /etc/containers/containers.conf.d/50-maildouble.conf, which `podman info` reads.
set -euo pipefail
command -v podman >/dev/null || { echo "podman is not installed (scripts/install-deps.sh image)" >&2; exit 1; }
dir=/etc/containers/containers.conf.d
conf=$dir/50-maildouble.conf
lines=()
runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null || echo unknown)
if [ "$runtime" != runc ] && command -v runc >/dev/null; then
  # crun is podman's first choice when installed; it needs a writable, delegated cgroup hierarchy.
  if ! [ -w /sys/fs/cgroup ] || [ -f /.dockerenv ] || [ -f /run/.containerenv ]; then
    lines+=('runtime = "runc"')
  fi
fi
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 1048576 ]; then
  lines+=('default_ulimits = []')
fi
if [ ${#lines[@]} -eq 0 ]; then
  rm -f "$conf" 2>/dev/null || true
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo mkdir -p "$dir"
{
  echo "# Written by MailDouble's docker/podman-setup.sh (make image): see that script for why."
  echo "[containers]"
  for l in "${lines[@]}"; do if [[ $l != runtime* ]]; then echo "$l"; fi; done
  for l in "${lines[@]}"; do if [[ $l == runtime* ]]; then echo "[engine]"; echo "$l"; fi; done
} | $sudo tee "$conf" >/dev/null
echo "podman: wrote $conf (${lines[*]})"
