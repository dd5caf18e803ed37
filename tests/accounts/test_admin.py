"""Platform staff's admin: every model has a working change list, search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import School, Site
from tests import factories as f


@pytest.fixture
def admin_client_for(client_for, platform_staff):
    return client_for(platform_staff)


def test_every_accounts_and_placements_model_is_in_the_admin():
    from django.apps import apps

    for label in ("accounts", "placements"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.app_label == "placements" and model.__name__.startswith("Notification"):
                continue  # the notifications work registers its own
            assert model in admin.site._registry, model


def test_every_change_list_and_search_works(admin_client_for, personas, site):
    f.ApplicationFactory(posting=f.PostingFactory(site=site), student=personas["student"])
    f.InvitationFactory(invited_by=personas["coordinator"])
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("accounts", "placements"):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_for.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert admin_client_for.get(url, {"q": "a"}).status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
            assert admin_client_for.get(change).status_code == 200, change


@pytest.mark.parametrize("model", [School, Site])
def test_verify_and_unverify_actions(model, admin_client_for):
    factory = f.SchoolFactory if model is School else f.SiteFactory
    pending = factory(verified=False)
    url = reverse(f"admin:accounts_{model._meta.model_name}_changelist")
    admin_client_for.post(url, {"action": "verify", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.verified
    admin_client_for.post(url, {"action": "unverify", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert not pending.verified


def test_application_events_are_read_only(admin_client_for, personas, site):
    from placements.models import ApplicationEvent

    application = f.ApplicationFactory(posting=f.PostingFactory(site=site), student=personas["student"])
    event = ApplicationEvent.objects.create(application=application, to_status="submitted")
    assert admin_client_for.get(reverse("admin:placements_applicationevent_add")).status_code == 403
    assert admin_client_for.get(reverse("admin:placements_applicationevent_delete", args=[event.pk])).status_code == 403
    page = admin_client_for.get(reverse("admin:placements_applicationevent_change", args=[event.pk]))
    assert page.status_code == 200 and b'name="to_status"' not in page.content
