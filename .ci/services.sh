# Sourced by .ci/run: installs what the tests use from Debian (PostgreSQL for the storage tests,
# LibreOffice Calc to open the Excel reports, Chromium for the dashboard's browser tests) and
# starts PostgreSQL, exporting TEST_DATABASE_URL.
# Skips quietly when not root.
if [ "$(id -u)" = "0" ]; then
  need=()
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  PGVER=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h | grep -q online; then
    pg_lsclusters -h | grep -q "^$PGVER main" || pg_createcluster "$PGVER" main >/dev/null
    pg_ctlcluster "$PGVER" main start
  fi
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='asn'\"" | grep -q 1 || \
    su postgres -c "psql -qc \"CREATE ROLE asn LOGIN SUPERUSER PASSWORD 'asn'\""
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='asn_test'\"" | grep -q 1 || \
    su postgres -c "createdb -O asn asn_test"
  export TEST_DATABASE_URL="postgresql+psycopg://asn:asn@127.0.0.1:5432/asn_test"
fi
