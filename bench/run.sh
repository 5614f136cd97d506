#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every benchmark in one go (MailDouble and nginx-light side by side) and prints the figures.
# `make bench` installs wrk, h2load and nginx-light and builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/bench.py "$@"
