"""In progress: each function is replaced by its real view."""


def company_bulk(request, *args, **kwargs):
    raise NotImplementedError


def company_list(request, *args, **kwargs):
    raise NotImplementedError


def contact_bulk(request, *args, **kwargs):
    raise NotImplementedError


def contact_list(request, *args, **kwargs):
    raise NotImplementedError


def py(request, *args, **kwargs):
    raise NotImplementedError


def saved_view_delete(request, *args, **kwargs):
    raise NotImplementedError


def saved_view_save(request, *args, **kwargs):
    raise NotImplementedError
