from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interviews.forms import EmailAuthenticationForm
from interviews.views import auth as auth_pages

urlpatterns = [
    path("", auth_pages.home, name="home"),
    path("healthz", auth_pages.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that do not link an icon (the admin).
    path("favicon.ico", auth_pages.favicon, name="favicon"),
    path("invite/<str:token>/", auth_pages.invite_accept, name="invite_accept"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("interviews.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "interviews.views.auth.not_found"
