"""Where files that must not be public are kept."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk that no URL serves: a view that checks who asks sends them."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; a view sends them.")
