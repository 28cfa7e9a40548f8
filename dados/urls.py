from django.urls import path

from comum.http import dados_abertos

from . import api, descoberta, feeds, views

app_name = "dados"

urlpatterns = [
    path("robots.txt", descoberta.robots, name="robots"),
    path("sitemap.xml", descoberta.sitemap, name="sitemap"),
    path("dados/", views.index, name="index"),
    path("dados/datapackage.json", dados_abertos(views.datapackage), name="datapackage"),
    path("dados/dados-abertos.zip", dados_abertos(views.pacote_zip), name="zip"),
    path(
        "dados/relatorios/<slug:plano>/<str:ciclo>.xlsx",
        dados_abertos(views.relatorio_publico),
        name="relatorio_publico",
    ),
    path(
        "dados/<slug:nome>.<str:formato>",
        dados_abertos(views.arquivo),
        name="arquivo",
    ),
    path("dados/feeds/relatos/", dados_abertos(feeds.RelatosFeed()), name="feed"),
    path(
        "dados/feeds/relatos/objetivo/<str:codigo>/",
        dados_abertos(feeds.RelatosDoObjetivoFeed()),
        name="feed_objetivo",
    ),
    path(
        "dados/feeds/relatos/instituicao/<slug:slug>/",
        dados_abertos(feeds.RelatosDaInstituicaoFeed()),
        name="feed_instituicao",
    ),
    path(
        "dados/feeds/relatos/atividade/<str:codigo>/",
        dados_abertos(feeds.RelatosDaAtividadeFeed()),
        name="feed_atividade",
    ),
    path("dados/feeds/alteracoes/", dados_abertos(feeds.AlteracoesFeed()), name="feed_alteracoes"),
    path("api/v1/", dados_abertos(api.index), name="api_index"),
    path("api/v1/openapi.json", dados_abertos(api.openapi), name="api_openapi"),
    path("api/v1/plano/", dados_abertos(api.plano), name="api_plano"),
    path("api/v1/atividades/", dados_abertos(api.atividades), name="api_atividades"),
    path("api/v1/relatos/", dados_abertos(api.relatos), name="api_relatos"),
    path("api/v1/instituicoes/", dados_abertos(api.instituicoes), name="api_instituicoes"),
    path("api/v1/ciclos/", dados_abertos(api.ciclos), name="api_ciclos"),
    path("api/v1/serie/", dados_abertos(api.serie), name="api_serie"),
    path("api/v1/alteracoes/", dados_abertos(api.alteracoes), name="api_alteracoes"),
]
