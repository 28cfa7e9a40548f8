"""The version of the open data's shape: its data sets, columns and
identifiers. It changes (and gets a line here) whenever one of them does;
datapackage.json carries it and /dados/ lists the changes with their dates."""

from datetime import date

# Newest first: (version, date, changes).
HISTORICO = (
    (
        "2.2.0",
        date(2026, 12, 3),
        (
            "Relatório semestral em versão pública para cada ciclo encerrado, em "
            "/dados/relatorios/<plano>/<ciclo>.xlsx (como /dados/relatorios/i-paecm/2025.2.xlsx): "
            "resumo, gráficos, o plano no fechamento do ciclo, os relatos publicados e suas "
            "evidências, sem nomes de pessoas nem comentários da validação.",
            "O datapackage.json passa a ter o perfil \u201cdata-package\u201d: os relatórios "
            "são recursos do tipo \u201cfile\u201d (formato xlsx, com tamanho e SHA-256), ao "
            "lado dos conjuntos de dados, que continuam tabulares. O zip também os traz, na "
            "pasta relatorios/.",
        ),
    ),
    (
        "2.1.0",
        date(2026, 12, 3),
        (
            "Novo conjunto \u201cserie\u201d: cada atividade no fechamento de cada ciclo já "
            "aberto (situação registrada e exibida, %, atraso, prazo em vigor, relato publicado "
            "no ciclo, peso e instituições vinculadas na data de avaliação), também em "
            "/api/v1/serie/.",
            "\u201catividades\u201d aceita ?ciclo=2026.1 em todos os formatos e na API: a "
            "situação, o %, o atraso e o prazo no fechamento desse ciclo. Novas colunas ciclo, "
            "data_de_avaliacao e atrasada.",
            "O registro de alterações no plano também em /api/v1/alteracoes/.",
        ),
    ),
    (
        "2.0.0",
        date(2026, 12, 2),
        (
            "Instituições identificadas pelo identificador (slug, como pf), o mesmo dos "
            "endereços do painel: nova coluna instituicao, chave de \u201cinstituicoes\u201d; "
            "em \u201crelatos\u201d e \u201cevidencias\u201d a coluna instituicao passa a trazer "
            "o identificador, e a sigla vai para a nova coluna instituicao_sigla.",
            "Novo conjunto \u201cvinculos\u201d (atividade, instituição, papel), que substitui a "
            "coluna parceiros de \u201catividades\u201d (siglas separadas por ponto e vírgula).",
            "Nova coluna demonstracao em todos os conjuntos: verdadeira nas linhas fictícias "
            "enquanto os dados de demonstração estão carregados.",
            "Datas e horas ao segundo, sempre no mesmo formato; em XLSX e ODS no horário de "
            "Brasília, indicado no título da coluna.",
            "Restrições (obrigatório, valores aceitos, 0 a 100, padrão dos códigos) e chaves "
            "estrangeiras entre todos os conjuntos no datapackage.json.",
        ),
    ),
    (
        "1.0.0",
        date(2026, 12, 1),
        (
            "Primeira publicação: atividades, relatos, evidências, "
            "instituições e ciclos em CSV, JSON, XLSX e ODS.",
        ),
    ),
)

VERSAO = HISTORICO[0][0]
