from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("annotations.urls")),
    path("", include("analysis.urls")),
    path("", include("corpus.urls")),
    path("", include("jobs.urls")),
]

# Our error pages (ops/pages.py): the 500 page shows the request id; a 400 names the problem.
handler400 = "ops.pages.bad_request"
handler500 = "ops.pages.server_error"
