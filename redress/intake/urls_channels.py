from django.urls import path

from redress.intake.views_channels import channel_callback

# No namespace: the outbox (notifications) names this route to build the callback URL it gives
# gateways, without importing intake.
urlpatterns = [
    path("<int:pk>/<slug:purpose>/<str:token>/", channel_callback, name="channel_callback"),
]
