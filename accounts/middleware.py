from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class OnboardingMiddleware:
    """Send a signed-in user who has no role yet to the onboarding page.

    allauth's account pages (log out, email, password), invitation links, the admin,
    static files and /healthz stay reachable, so nobody is trapped.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def _exempt_prefixes(self):
        if self._exempt is None:
            self._exempt = (
                "/accounts/",
                "/invite/",
                "/admin/",
                "/healthz",
                "/onboarding/",
                settings.STATIC_URL or "/static/",
                reverse("accounts:onboarding"),
            )
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.role
            and not request.path.startswith(self._exempt_prefixes())
        ):
            return redirect("accounts:onboarding")
        return self.get_response(request)
