import pytest

from placements.models import Posting
from tests import factories as f


@pytest.fixture
def world(personas, site, other_site, school, other_school):
    """The objects the placements permission matrix acts on, shared by every persona."""
    published = f.PostingFactory(site=site, title="Cardiac step-down internship", mentor=personas["mentor"])
    draft = f.PostingFactory(site=site, title="Draft ICU externship", status=Posting.Status.DRAFT, published_at=None)
    other_draft = f.PostingFactory(
        site=other_site, title="Other site's draft", status=Posting.Status.DRAFT, published_at=None
    )
    other_published = f.PostingFactory(site=other_site, title="Rehab externship")
    application = f.ApplicationFactory(posting=published, student=personas["student"])
    other_application = f.ApplicationFactory(posting=other_published, student=personas["other_student"])
    agreement = f.AgreementFactory(school=school, site=site)
    other_agreement = f.AgreementFactory(school=other_school, site=other_site)
    saved_search = f.SavedSearchFactory(student=personas["student"], name="Cardiology in Ohio")
    return {
        **personas,
        "site": site,
        "other_site": other_site,
        "school": school,
        "other_school": other_school,
        "published": published,
        "draft": draft,
        "other_draft": other_draft,
        "other_published": other_published,
        "application": application,
        "other_application": other_application,
        "agreement": agreement,
        "other_agreement": other_agreement,
        "saved_search": saved_search,
    }
