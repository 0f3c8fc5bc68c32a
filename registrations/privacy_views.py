"""Her own data as a file, from her personal link (Art. 15 and 20 GDPR): the same export organisers get."""

from django.http import JsonResponse

from registrations.services import privacy
from registrations.views import private_link


@private_link
def download_data(request, registration, token):
    """Everything held in this registration; the personal link is her proof, so nothing of other events."""
    data = privacy.export_person([registration])
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-registration.json"'
    return response
