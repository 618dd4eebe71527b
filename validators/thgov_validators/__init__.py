"""CKAN-free data checks and publication rules of ckanext-thgov.

This package must never import ``ckan``: it is usable on an agency's own machine and in
tests without a portal. The CKAN adapter in ``ckanext.thgov`` calls into it.
"""

__version__ = "0.1.0"
