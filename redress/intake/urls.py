from django.urls import path

from redress.intake.views import mail_webhook

app_name = "intake"
urlpatterns = [path("", mail_webhook, name="mail-webhook")]
