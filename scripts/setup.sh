#!/usr/bin/env bash
# One-step set-up on a fresh machine: Debian peers (sipp, redis-server, prometheus, postgresql,
# docker-compose, and the SIP edge's external testers: kamailio as a proxy in front, sipsak and sipvicious), npm
# dependencies with their native addons, and the TypeScript build. Skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v curl >/dev/null 2>&1 || need+=(curl) # the README's examples (test/readme-examples.ts runs them)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v kamailio >/dev/null 2>&1 || [ -x /usr/sbin/kamailio ] || need+=(kamailio)
command -v sipsak >/dev/null 2>&1 || need+=(sipsak)
command -v svwar >/dev/null 2>&1 || need+=(sipvicious)
# PostgreSQL for the cluster store (tests start their own server from these binaries).
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# docker-compose only validates the compose files here (`docker-compose config`); no engine runs.
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
if ((${#need[@]})); then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  if $SUDO true 2>/dev/null; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: WARNING: cannot install ${need[*]} (not root, no sudo); tests needing them will skip and say so" >&2
  fi
fi

# npm ci takes minutes (re2 builds from source): redo it only when the lockfile changed.
stamp=node_modules/.ocroute-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || ! node scripts/check-native.js 2>/dev/null; then
  echo "setup: npm ci (builds re2 and better-sqlite3 from source; a few minutes)"
  npm ci --no-audit --no-fund
  node scripts/check-native.js || npm rebuild re2 better-sqlite3
  node scripts/check-native.js
  echo "$want" > "$stamp"
fi
npm run build --silent
echo "setup: done"
