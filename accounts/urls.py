from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    # Onboarding: who are you? (a signed-in user without a role is sent here)
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/student/", views.onboarding_student, name="onboarding-student"),
    path("onboarding/programs/", views.onboarding_programs, name="onboarding-programs"),
    path("onboarding/coordinator/", views.onboarding_coordinator, name="onboarding-coordinator"),
    path("onboarding/site/", views.onboarding_site, name="onboarding-site"),
    # Profiles and resumes
    path("profile/", views.profile_edit, name="profile-edit"),
    path("profile/resume/", views.resume_upload, name="resume-upload"),
    path("profile/resume/remove/", views.resume_remove, name="resume-remove"),
    path("students/<int:pk>/", views.student_profile, name="student-profile"),
    path("students/<int:pk>/resume/", views.resume_download, name="resume-download"),
    # Organizations
    path("site/edit/", views.site_edit, name="site-edit"),
    path("school/edit/", views.school_edit, name="school-edit"),
    path("school/programs/", views.program_create, name="program-create"),
    path("school/programs/<int:pk>/rename/", views.program_rename, name="program-rename"),
    # Invitations
    path("invitations/", views.invitation_list, name="invitation-list"),
    path("invitations/new/", views.invitation_create, name="invitation-create"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
