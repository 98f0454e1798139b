#!/usr/bin/env bash
# Install the Debian packages in tools/system-packages.txt that are missing; idempotent.
#   tools/system-packages.sh run    what `make run` needs
#   tools/system-packages.sh test   that plus what the test suite needs (make test, .ci/run)
#   tools/system-packages.sh bench  what `make run` needs plus the load generator
# As root it installs them with apt-get. Without root it prints the one command to run and
# exits 1. With nothing missing it prints nothing and exits 0.
set -euo pipefail
group="${1:-run}"
case "$group" in
    run) wanted="run" ;;
    test) wanted="run|test" ;;
    bench) wanted="run|bench" ;;
    *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac
list="$(dirname "$0")/system-packages.txt"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system packages: not a Debian system; install the equivalents of $list yourself" >&2
    exit 0
fi

missing=()
while read -r package for _; do
    [[ -z "$package" || "$package" == \#* ]] && continue
    [[ "$for" =~ ^($wanted)$ ]] || continue
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$package")
done < "$list"

[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages; as root run: apt-get update && $command" >&2
    exit 1
fi
echo "== installing system packages: ${missing[*]}"
started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "== installed in $(( $(date +%s) - started )) s"
