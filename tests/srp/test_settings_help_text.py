"""The settings page shows the small-count marker as text, not as a broken tag (issue #13)."""

from __future__ import annotations

from django.urls import reverse


def test_threshold_help_text_is_shown_as_text(world, client_for):
    response = client_for(world.admin).get(reverse("srp:district_settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "as &#x27;&lt;N&#x27;." in html or "as '&lt;N'." in html
    assert "<N'" not in html
