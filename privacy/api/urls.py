from django.urls import path

from privacy.api.views import CandidateEraseView

urlpatterns = [
    path(
        "candidates/<uuid:public_id>/erase/", CandidateEraseView.as_view(), name="candidate-erase"
    ),
]
