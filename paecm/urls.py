from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Painel I PAECM · Administração da CGETP"
admin.site.site_title = "Painel I PAECM"
admin.site.index_title = "Administração"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("plano.urls")),
    path("", include("monitoramento.urls")),
]
