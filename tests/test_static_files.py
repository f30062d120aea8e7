"""The static files as production serves them: collected under hashed names."""

from django.core.management import call_command

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_the_static_files_collect_under_the_production_storage(tmp_path, settings):
    """Production's storage rewrites every reference between static files to its hashed
    name, and fails `collectstatic` (so the image build) when a file names one that
    is not there, as a vendored script's source map can."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/chart.umd.min.*.js"))
