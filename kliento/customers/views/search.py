"""In progress: each function is replaced by its real view."""


def py(request, *args, **kwargs):
    raise NotImplementedError


def search(request, *args, **kwargs):
    raise NotImplementedError
