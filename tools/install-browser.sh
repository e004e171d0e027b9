#!/bin/sh
# Debian's chromium, for the review page's end-to-end tests (Playwright drives /usr/bin/chromium
# directly; `playwright install` is never used, so nothing is downloaded by Playwright).
# Idempotent: does nothing when chromium is there. Installs with apt-get when run as root;
# otherwise says how, and fails only in CI, where the browser tests must run.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser tests: apt-get install -y chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi

echo "Debian's chromium ($CHROMIUM) is missing; the review page's browser tests need it." >&2
echo "  Debian/Ubuntu: sudo apt-get install -y chromium" >&2
case "${CI:-}" in
  1|true|TRUE|True|yes)
    echo "CI: the browser tests never skip, so this is an error." >&2
    exit 1
    ;;
esac
echo "Without it the browser tests are skipped locally." >&2
exit 0
