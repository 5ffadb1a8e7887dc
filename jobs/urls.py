from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("jobs/<int:job_id>/", views.job_detail, name="detail"),
    path("jobs/<int:job_id>/resume/", views.resume_job, name="resume"),
    path("jobs/<int:job_id>/download/", views.download, name="download"),
]
