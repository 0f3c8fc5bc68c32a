"""Her own data as a file, from her personal link (Art. 15 and 20 GDPR): the same export organisers get."""

import json

from django.http import HttpResponse

from registrations.services import privacy
from registrations.views import private_link


@private_link
def download_data(request, registration, token):
    """Everything held in this registration; the personal link is her proof, so nothing of other events."""
    data = privacy.export_person([registration])
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-registration.json"'
    return response
