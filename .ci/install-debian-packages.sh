#!/usr/bin/env bash
# Installs the Debian packages evt-cpp builds, tests and demos with, when any
# is missing (as root, or through sudo). Used by README's two commands and CI.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libpqxx-dev libpq-dev libboost-dev libmsgpack-cxx-dev nlohmann-json3-dev libcurl4-openssl-dev libcli11-dev libcpp-httplib-dev curl
  googletest libgtest-dev libbenchmark-dev
  postgresql-15 postgresql-client-15 openssl jq
  clang libclang-rt-14-dev procps
  pgbouncer
  locales
)
command -v npm >/dev/null || packages+=(npm)  # fetches the official Message DB for the compat run

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)

# A locale whose decimal point is a comma, for the test that numbers are
# read the same whatever the process's locale.
make_test_locale() {
  locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8' || "${as_root[@]}" localedef -i de_DE -f UTF-8 de_DE.UTF-8
}

if [ ${#missing[@]} -eq 0 ]; then
  make_test_locale
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
# The tests and the demo start private clusters; no system-wide server is
# wanted, so the package must not create and start one.
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  "${as_root[@]}" mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | "${as_root[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
make_test_locale
