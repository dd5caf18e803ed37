import uuid
from pathlib import PurePosixPath


def private_upload_path(instance, filename):
    """A random, unguessable name under a folder per model; the original name is kept
    only for the download's Content-Disposition."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"
