"""Plain keyword-only factories (no dependency), as in djangoproject.com."""

import itertools
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from monitoramento.models import Atualizacao, Ciclo, Evidencia
from parceiros.models import Instituicao, Usuario
from plano.indicadores import Situacao
from plano.models import Acao, Atividade, Objetivo, Plano, Vinculo
from plano.referencias import _citacoes

_seq = itertools.count(1)

SENHA = "senha-de-teste-123"


def criar_instituicao(*, sigla: str | None = None, **kwargs) -> Instituicao:
    n = next(_seq)
    sigla = sigla or f"INST{n}"
    kwargs.setdefault("nome", f"Instituição {sigla}")
    kwargs.setdefault("slug", sigla.lower().replace(" ", "-"))
    return Instituicao.objects.create(sigla=sigla, **kwargs)


def criar_usuario(*, username: str | None = None, instituicao=None, **kwargs) -> Usuario:
    username = username or f"usuario{next(_seq)}"
    kwargs.setdefault("email", f"{username}@example.org")
    return Usuario.objects.create_user(
        username=username, password=SENHA, instituicao=instituicao, **kwargs
    )


def criar_plano(*, slug: str = "outro-plano", **kwargs) -> Plano:
    defaults = {
        "sigla": slug.upper(),
        "nome": f"Plano {slug}",
        "ano_inicio": 2024,
        "ano_fim": 2029,
        "url_fonte": "https://example.org/plano",
        "licenca": "CC BY-ND 3.0",
        "publicado_em": date(2024, 11, 22),
    }
    defaults.update(kwargs)
    return Plano.objects.create(slug=slug, **defaults)


def criar_atividade(*, plano: Plano, codigo: str = "1.1.1", **kwargs) -> Atividade:
    """An activity with its objective and action, created as needed."""
    o, a, t = (int(p) for p in codigo.split("."))
    objetivo, _ = Objetivo.objects.get_or_create(
        plano=plano, numero=o, defaults={"codigo": str(o), "texto": f"Objetivo {o}"}
    )
    acao, _ = Acao.objects.get_or_create(
        objetivo=objetivo, numero=a, defaults={"codigo": f"{o}.{a}", "texto": f"Ação {o}.{a}"}
    )
    kwargs.setdefault("texto", f"Atividade {codigo}")
    return Atividade.objects.create(acao=acao, numero=t, codigo=codigo, **kwargs)


def vincular(*, atividade: Atividade, instituicao: Instituicao, papel: str = "parceira") -> Vinculo:
    return Vinculo.objects.create(atividade=atividade, instituicao=instituicao, papel=papel)


def criar_ciclo(*, plano: Plano, codigo: str = "2025.1", aberto: bool = False, **kwargs) -> Ciclo:
    ano, sem = (int(p) for p in codigo.split("."))
    inicio = date(ano, 1, 1) if sem == 1 else date(ano, 7, 1)
    fim = date(ano, 6, 30) if sem == 1 else date(ano, 12, 31)
    if aberto:
        hoje = timezone.localdate()
        janela = (hoje - timedelta(days=10), hoje + timedelta(days=10), hoje + timedelta(days=20))
    else:
        janela = (fim + timedelta(days=1), fim + timedelta(days=30), fim + timedelta(days=45))
    defaults = dict(zip(("abertura", "prazo", "encerramento"), janela, strict=True))
    defaults.update(kwargs)
    return Ciclo.objects.create(plano=plano, codigo=codigo, inicio=inicio, fim=fim, **defaults)


def criar_atualizacao(
    *,
    atividade: Atividade,
    instituicao: Instituicao,
    ciclo: Ciclo,
    autor: Usuario,
    situacao: str = Situacao.EM_ANDAMENTO,
    percentual: int = 50,
    estado: str = Atualizacao.Estado.RASCUNHO,
    **kwargs,
) -> Atualizacao:
    if estado in (Atualizacao.Estado.PUBLICADA, Atualizacao.Estado.DEVOLVIDA):
        kwargs.setdefault("validado_em", timezone.now())
    if estado != Atualizacao.Estado.RASCUNHO:
        kwargs.setdefault("enviado_em", timezone.now())
    kwargs.setdefault("realizado", "Relato de teste.")
    return Atualizacao.objects.create(
        atividade=atividade,
        instituicao=instituicao,
        ciclo=ciclo,
        autor=autor,
        situacao=situacao,
        percentual=percentual,
        estado=estado,
        **kwargs,
    )


def criar_evidencia(*, atualizacao: Atualizacao, **kwargs) -> Evidencia:
    kwargs.setdefault("titulo", "Evidência de teste")
    kwargs.setdefault("url", "https://example.org/evidencia")
    return Evidencia.objects.create(atualizacao=atualizacao, **kwargs)


def ampliar_plano(*, plano: Plano, fator: int) -> None:
    """Add (fator - 1) copies of the plan's shape (4 objectives, 28 actions,
    75 activities) as extra objectives, each activity linked to the
    institutions of its original, so pages can be measured on larger data.
    A copy's texts cite the copy's own items ("Atividade 3.2.1" becomes
    "Atividade 7.2.1" in the first copy), as the texts of a larger plan would
    cite a few items each, rather than 100 copies all citing 3.2.1.
    Objectives and actions get their history rows (as .create() would give
    them); activities and links are bulk-inserted without."""
    originais = list(
        Atividade.objects.filter(acao__objetivo__plano=plano)
        .select_related("acao__objetivo")
        .prefetch_related("vinculos")
    )
    ultimo = Objetivo.objects.filter(plano=plano).count()
    objetivos, acoes, novas = {}, {}, []
    for copia in range(1, fator):
        for original in originais:
            o = ultimo + (copia - 1) * 4 + original.acao.objetivo.numero
            objetivos.setdefault(
                o, Objetivo(plano=plano, numero=o, codigo=str(o), texto=f"Objetivo ampliado {o}")
            )
            chave = (o, original.acao.numero)
            acoes.setdefault(
                chave,
                Acao(
                    objetivo=objetivos[o],
                    numero=original.acao.numero,
                    codigo=f"{o}.{original.acao.numero}",
                    texto=f"Ação ampliada {o}.{original.acao.numero}",
                ),
            )
            nova = Atividade(
                acao=acoes[chave],
                numero=original.numero,
                codigo=f"{o}.{original.acao.numero}.{original.numero}",
                texto=_citando_a_copia(original.texto, ultimo + (copia - 1) * 4),
            )
            novas.append((nova, original))
    # Each level after the one above it: bulk_create reads the new pks.
    bulk_create_with_history(list(objetivos.values()), Objetivo)
    bulk_create_with_history(list(acoes.values()), Acao)
    Atividade.objects.bulk_create([n for n, _ in novas], batch_size=2000)
    Vinculo.objects.bulk_create(
        (
            Vinculo(atividade=nova, instituicao_id=v.instituicao_id, papel=v.papel)
            for nova, original in novas
            for v in original.vinculos.all()
        ),
        batch_size=2000,
    )


def _citando_a_copia(texto: str, deslocamento: int) -> str:
    """The text with each code it cites moved to its copy's objective."""
    partes, posicao = [], 0
    for inicio, fim, codigo in _citacoes(texto):
        objetivo, _, resto = codigo.group(0).partition(".")
        partes += [texto[posicao:inicio], f"{int(objetivo) + deslocamento}.{resto}"]
        posicao = fim
    return "".join(partes) + texto[posicao:]


def ampliar_relatos(*, plano: Plano, por_atividade: int) -> None:
    """Give every activity of the plan `por_atividade` published reports, one
    per cycle (semesters from 2024.2, created as needed), from an institution
    of their own, validated a minute apart; bulk-inserted, so pages can be
    measured on many reports."""
    ciclos, ano, sem = [], 2024, 2
    for _ in range(por_atividade):
        codigo = f"{ano}.{sem}"
        ciclos.append(
            Ciclo.objects.filter(plano=plano, codigo=codigo).first()
            or criar_ciclo(plano=plano, codigo=codigo)
        )
        ano, sem = (ano, 2) if sem == 1 else (ano + 1, 1)
    agora = timezone.now()
    _publicar_em_massa(
        plano=plano,
        instituicao=criar_instituicao(sigla="AMPLIADA"),
        ciclos=ciclos,
        enviado_em=agora,
        validado_em=lambda n: agora - timedelta(minutes=n),
    )


def relatar_todas(*, plano: Plano, instituicao: Instituicao, ciclos: list[Ciclo]) -> None:
    """One published report by `instituicao` per activity of the plan and
    cycle of `ciclos`, sent a week ago and validated now; bulk-inserted."""
    agora = timezone.now()
    _publicar_em_massa(
        plano=plano,
        instituicao=instituicao,
        ciclos=ciclos,
        enviado_em=agora - timedelta(days=7),
        validado_em=lambda n: agora,
    )


def _publicar_em_massa(*, plano, instituicao, ciclos, enviado_em, validado_em) -> None:
    """A published report, "em andamento" at 50 %, per activity of the plan
    and cycle; validado_em(n) dates the n-th."""
    ids = Atividade.objects.filter(acao__objetivo__plano=plano).values_list("pk", flat=True)
    modelo = Atualizacao(
        instituicao=instituicao,
        autor=criar_usuario(instituicao=instituicao),
        situacao=Situacao.EM_ANDAMENTO,
        percentual=50,
        realizado="Relato em massa.",
        estado=Atualizacao.Estado.PUBLICADA,
        enviado_em=enviado_em,
    )
    inserir_em_massa(
        modelo,
        (
            {"atividade_id": pk, "ciclo_id": ciclo.pk, "validado_em": validado_em(n)}
            for n, (pk, ciclo) in enumerate(itertools.product(ids, ciclos))
        ),
    )


def inserir_em_massa(modelo, linhas) -> None:
    """Insert one row per dict of `linhas`: the fields of the unsaved model
    instance `modelo` (its defaults included, prepared once as the ORM
    prepares them) with the dict's fields on top, in one executemany. What
    bulk_create inserts, without building a model instance per row (75,000
    of them took most of a minute)."""
    campos = [f for f in type(modelo)._meta.local_concrete_fields if not f.primary_key]
    base = {f.attname: f.get_db_prep_save(f.pre_save(modelo, add=True), connection) for f in campos}
    por_nome = {f.attname: f for f in campos}
    ops = connection.ops
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        ops.quote_name(type(modelo)._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in campos),
        ", ".join(["%s"] * len(campos)),
    )

    def valores(linha):
        preparados = {
            nome: por_nome[nome].get_db_prep_save(valor, connection)
            for nome, valor in linha.items()
        }
        return [preparados.get(f.attname, base[f.attname]) for f in campos]

    with connection.cursor() as cursor:
        cursor.executemany(sql, [valores(linha) for linha in linhas])
