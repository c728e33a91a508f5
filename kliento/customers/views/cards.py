"""In progress: each function is replaced by its real view."""


def company_change_stage(request, *args, **kwargs):
    raise NotImplementedError


def company_create(request, *args, **kwargs):
    raise NotImplementedError


def company_delete(request, *args, **kwargs):
    raise NotImplementedError


def company_detail(request, *args, **kwargs):
    raise NotImplementedError


def company_edit(request, *args, **kwargs):
    raise NotImplementedError


def company_history(request, *args, **kwargs):
    raise NotImplementedError


def company_inline_edit(request, *args, **kwargs):
    raise NotImplementedError


def contact_change_stage(request, *args, **kwargs):
    raise NotImplementedError


def contact_consent(request, *args, **kwargs):
    raise NotImplementedError


def contact_create(request, *args, **kwargs):
    raise NotImplementedError


def contact_delete(request, *args, **kwargs):
    raise NotImplementedError


def contact_detail(request, *args, **kwargs):
    raise NotImplementedError


def contact_duplicates(request, *args, **kwargs):
    raise NotImplementedError


def contact_edit(request, *args, **kwargs):
    raise NotImplementedError


def contact_history(request, *args, **kwargs):
    raise NotImplementedError


def contact_inline_edit(request, *args, **kwargs):
    raise NotImplementedError


def py(request, *args, **kwargs):
    raise NotImplementedError
