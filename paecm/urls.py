from django.contrib import admin
from django.urls import include, path

from dados.views import relatorio_admin
from operacao.views import saude
from paginas import views

admin.site.site_header = "Painel I PAECM · Administração da CGETP"
admin.site.site_title = "Painel I PAECM"
admin.site.index_title = "Administração"

urlpatterns = [
    path("admin/relatorio-semestral/", relatorio_admin, name="relatorio_semestral"),
    path("admin/", admin.site.urls),
    path("saude/", saude, name="saude"),
    path("", include("paginas.urls_plano")),
    path("", include("dados.urls")),
    path("", views.painel, name="painel"),
    path("", include("paginas.urls_parceiros")),
    path("metodologia/", views.metodologia, name="metodologia"),
    path("sobre/", views.sobre, name="sobre"),
    path("acessibilidade/", views.acessibilidade, name="acessibilidade"),
    path("privacidade/", views.privacidade, name="privacidade"),
    path("", include("monitoramento.urls")),
]

handler400 = "paecm.views.pedido_invalido"
handler404 = "paecm.views.pagina_nao_encontrada"
handler500 = "paecm.views.erro_do_servidor"
