from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interviews.forms.public import EmailAuthenticationForm, QueuedPasswordResetForm
from interviews.views import public

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", public.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that do not link an icon (the admin).
    path("favicon.ico", public.favicon, name="favicon"),
    path("invite/<str:token>/", public.invite_accept, name="invite_accept"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("interviews.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "interviews.views.public.not_found"
