"""In progress: each function is replaced by its real view."""


def custom_field_delete(request, *args, **kwargs):
    raise NotImplementedError


def custom_field_edit(request, *args, **kwargs):
    raise NotImplementedError


def custom_field_list(request, *args, **kwargs):
    raise NotImplementedError


def py(request, *args, **kwargs):
    raise NotImplementedError
