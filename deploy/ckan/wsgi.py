"""WSGI entry point for gunicorn: builds the CKAN app from the ini named by CKAN_INI."""

import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_config = CKANConfigLoader(os.environ["CKAN_INI"]).get_config()
application = make_app(_config)
