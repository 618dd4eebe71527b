# Packaging map only: metadata and dependencies live in pyproject.toml.
# The three source trees are mapped onto the installed package names here because
# the repository layout (ckanext-thgov/, schemas/, validators/) is fixed.
from setuptools import find_namespace_packages, setup

setup(
    package_dir={
        "": "ckanext-thgov",
        "ckanext.thgov.schemas": "schemas",
        "thgov_validators": "validators/thgov_validators",
    },
    packages=(
        find_namespace_packages(where="ckanext-thgov", include=["ckanext.thgov*"])
        + ["ckanext.thgov.schemas"]
        + ["thgov_validators"]
        + [
            f"thgov_validators.{sub}"
            for sub in find_namespace_packages(where="validators/thgov_validators")
        ]
    ),
    message_extractors={
        "ckanext-thgov/ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
