"""Package layout: mktplan from src/, and the Markdown report templates from the top-level
templates/ folder (where a team finds and copies them for --template) as the package
mktplan.report_templates, so the wheel ships them without a second copy in the repository.
Everything else about the project is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "mktplan.templates", "mktplan.report_templates"],
    package_dir={"": "src", "mktplan.report_templates": "templates"},
    package_data={
        "mktplan": ["py.typed"],
        "mktplan.templates": ["*.yaml"],
        "mktplan.report_templates": ["*.md.j2"],
    },
)
