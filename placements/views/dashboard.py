from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.selectors import organization_for, student_profile_missing


@require_GET
def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@require_GET
@login_required
def dashboard(request):
    user = request.user
    context = {"organization": organization_for(user)}
    if user.is_student:
        context["profile_missing"] = student_profile_missing(user)
    return render(request, "placements/dashboard.html", context)
