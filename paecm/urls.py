from django.contrib import admin
from django.urls import include, path

from dados.views import relatorio_admin

admin.site.site_header = "Painel I PAECM · Administração da CGETP"
admin.site.site_title = "Painel I PAECM"
admin.site.index_title = "Administração"

urlpatterns = [
    path("admin/relatorio-semestral/", relatorio_admin, name="relatorio_semestral"),
    path("admin/", admin.site.urls),
    path("", include("plano.urls")),
    path("", include("dados.urls")),
    path("", include("monitoramento.urls")),
]
