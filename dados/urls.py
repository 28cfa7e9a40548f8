from django.urls import path

from . import api, descoberta, feeds, views

app_name = "dados"

urlpatterns = [
    path("robots.txt", descoberta.robots, name="robots"),
    path("sitemap.xml", descoberta.sitemap, name="sitemap"),
    path("dados/", views.index, name="index"),
    path("dados/datapackage.json", views.datapackage, name="datapackage"),
    path("dados/dados-abertos.zip", views.pacote_zip, name="zip"),
    path(
        "dados/<slug:nome>.<str:formato>",
        views.arquivo,
        name="arquivo",
    ),
    path("dados/feeds/relatos/", feeds.RelatosFeed(), name="feed"),
    path(
        "dados/feeds/relatos/objetivo/<str:codigo>/",
        feeds.RelatosDoObjetivoFeed(),
        name="feed_objetivo",
    ),
    path(
        "dados/feeds/relatos/instituicao/<slug:slug>/",
        feeds.RelatosDaInstituicaoFeed(),
        name="feed_instituicao",
    ),
    path(
        "dados/feeds/relatos/atividade/<str:codigo>/",
        feeds.RelatosDaAtividadeFeed(),
        name="feed_atividade",
    ),
    path("api/v1/", api.index, name="api_index"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/v1/plano/", api.plano, name="api_plano"),
    path("api/v1/atividades/", api.atividades, name="api_atividades"),
    path("api/v1/relatos/", api.relatos, name="api_relatos"),
    path("api/v1/instituicoes/", api.instituicoes, name="api_instituicoes"),
    path("api/v1/ciclos/", api.ciclos, name="api_ciclos"),
]
