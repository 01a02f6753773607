"""The error storage raises: the warehouse could not be opened or written."""


class StorageError(RuntimeError):
    """The warehouse could not be opened or written."""
