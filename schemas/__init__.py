"""ckanext-scheming schemas and presets of the Thai GDC metadata standard.

Installed as ``ckanext.thgov.schemas`` so that scheming can load them as
``ckanext.thgov.schemas:<file>.yaml``.
"""
