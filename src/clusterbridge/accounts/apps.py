from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "clusterbridge.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from clusterbridge.accounts import signins

        user_logged_in.connect(signins.on_user_logged_in, dispatch_uid="sign-in-log-success")
        user_login_failed.connect(signins.on_user_login_failed, dispatch_uid="sign-in-log-failed")
