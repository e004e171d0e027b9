#!/bin/sh
# Install the Debian font packages used by tools/samplegen (idempotent).
# Keep this list in sync with PACKAGES in tools/samplegen/fonts.py.
set -eu

PACKAGES="fonts-cantarell fonts-comfortaa fonts-comic-neue fonts-crosextra-caladea
fonts-crosextra-carlito fonts-dejavu-core fonts-ebgaramond fonts-lato
fonts-league-spartan fonts-liberation fonts-liberation2 fonts-open-sans fonts-roboto-unhinted
fonts-texgyre"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-fonts: all $(echo $PACKAGES | wc -w) font packages already installed"
    exit 0
fi

echo "install-fonts: missing font packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "install-fonts: error: must run as root to install them (try: sudo sh tools/install-fonts.sh)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-fonts: error: apt-get not found; install the packages above by hand" >&2
    exit 1
fi
echo "install-fonts: apt-get update"
DEBIAN_FRONTEND=noninteractive apt-get update -q
echo "install-fonts: apt-get install$missing"
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fc-cache -f >/dev/null 2>&1 || true
echo "install-fonts: done"
