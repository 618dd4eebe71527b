#!/bin/sh
# Same configuration steps as deploy/bin/run: generate ckan.ini once (fresh secrets),
# merge deploy/ckan/settings.ini, take service addresses from the environment.
set -eu
SRC=/srv/app/src/ckanext-thgov
if [ ! -f "$CKAN_INI" ]; then ckan generate config "$CKAN_INI"; fi
ckan config-tool "$CKAN_INI" -f "$SRC/deploy/ckan/settings.ini"
ckan config-tool "$CKAN_INI" \
    "sqlalchemy.url=$CKAN_SQLALCHEMY_URL" "solr_url=$CKAN_SOLR_URL" \
    "ckan.redis.url=$CKAN_REDIS_URL" "ckan.site_url=$CKAN_SITE_URL" "ckan.storage_path=/var/lib/ckan"
# JavaScript strings for /api/i18n/<lang>, from core's and the extension's catalogues.
ckan translation js
case "${1:-web}" in
  web)
    ckan db init
    ckan db pending-migrations --apply
    exec gunicorn --chdir "$SRC/deploy/ckan" wsgi:application --bind 0.0.0.0:5000 \
        --workers "${GUNICORN_WORKERS:-4}" --timeout 120 ;;
  worker)
    exec ckan jobs worker ;;
  *)
    exec "$@" ;;
esac
