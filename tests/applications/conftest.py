import pytest


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Each test's attachments under a folder of its own."""
    settings.APPLICATION_FILES_ROOT = tmp_path / "private-applications"
    return settings.APPLICATION_FILES_ROOT
