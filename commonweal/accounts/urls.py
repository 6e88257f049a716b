from django.contrib.auth import views as auth_views
from django.urls import path

from commonweal.accounts import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # POST only (Django's LogoutView refuses GET), so a link can't sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("two-step/", two_factor_views.verify, name="two_factor_verify"),
    path("two-step/setup/", two_factor_views.setup, name="two_factor_setup"),
    path(
        "two-step/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "people/<uuid:person_id>/access-history/",
        views.access_history_view,
        name="person_access_history",
    ),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
