from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from kliento.core.views import member_required
from tests.recordkit.models import Specimen


@member_required()
def specimen_detail(request: HttpRequest, specimen_id: int) -> HttpResponse:
    return HttpResponse(
        get_object_or_404(Specimen.objects.all(), pk=specimen_id).name, content_type="text/plain"
    )
