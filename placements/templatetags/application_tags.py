"""Template tags for application pieces that other pages embed (the posting page's apply box)."""

from django import template

from placements.permissions import application_apply_refusal
from placements.selectors.applications import application_of_student

register = template.Library()


@register.simple_tag(takes_context=True)
def posting_apply_state(context, posting) -> dict:
    """What the posting page's apply box shows to the person looking: booleans and, for
    a student, their application or the reason they cannot apply. Used by
    placements/partials/_posting_apply.html, so the posting view needs nothing extra."""
    user = context["request"].user
    state = {
        "anonymous": not user.is_authenticated,
        "is_student": False,
        "is_site": False,
        "application": None,
        "refusal": None,
        "can_apply": False,
    }
    if not user.is_authenticated:
        return state
    if user.is_student:
        state["is_student"] = True
        state["application"] = application_of_student(student=user, posting=posting)
        if state["application"] is None:
            state["refusal"] = application_apply_refusal(user, posting)
            state["can_apply"] = state["refusal"] is None
    elif user.is_site_staff and user.site_id == posting.site_id:
        state["is_site"] = True
    return state
