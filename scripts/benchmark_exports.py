"""Time and peak memory of every export at 100 times the real plan.

    .venv/bin/python scripts/benchmark_exports.py [--fator 100] [--ciclos 10]

Builds a throwaway SQLite database (deleted at the end) with the real plan
copied `fator` times (7,500 activities at 100), `ciclos` cycles with one
report per activity each (75,000 reports), half of them with an evidence;
then produces every open-data file through its view (the test client,
consuming the whole response), and the staff report of one cycle, each in a
forked child so that its peak memory is its own. Prints wall-clock seconds,
CPU seconds (what the export itself cost, whatever else the machine is
running), the child's peak resident memory (RSS of the whole Python process, Django included) and
how much it grew over the process it was forked from.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paecm.settings")
# In-process measurements on a throwaway database: development settings.
os.environ.setdefault("DJANGO_DEBUG", "true")


def memoria_mib(campo: str) -> float:
    """VmRSS (resident now) or VmHWM (peak resident; in a forked child, since the fork)."""
    for linha in Path("/proc/self/status").read_text().splitlines():
        if linha.startswith(campo + ":"):
            return int(linha.split()[1]) / 1024
    raise LookupError(campo)


def construir(fator: int, n_ciclos: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from monitoramento.models import Atualizacao, Ciclo, Evidencia
    from parceiros.models import Instituicao, Usuario
    from plano.carga import carregar_plano
    from plano.models import Atividade, Plano
    from tests.factories import ampliar_plano

    call_command("migrate", verbosity=0)
    carregar_plano()
    plano = Plano.objects.get(slug="i-paecm")
    ampliar_plano(plano=plano, fator=fator)
    pf = Instituicao.objects.get(sigla="PF")
    autor = Usuario.objects.create_user(username="benchmark", instituicao=pf)
    ciclos = []
    for i in range(n_ciclos):
        ano, semestre = 2024 + (i + 1) // 2, 2 - (i + 1) % 2
        inicio = date(ano, 1, 1) if semestre == 1 else date(ano, 7, 1)
        fim = date(ano, 6, 30) if semestre == 1 else date(ano, 12, 31)
        ciclos.append(
            Ciclo.objects.create(
                plano=plano,
                codigo=f"{ano}.{semestre}",
                inicio=inicio,
                fim=fim,
                abertura=fim + timedelta(days=1),
                prazo=fim + timedelta(days=30),
                encerramento=fim + timedelta(days=45),
            )
        )
    agora = timezone.now()
    atividades = list(Atividade.objects.values_list("pk", flat=True))
    realizado = "Reuniões com os parceiros, oficinas e um relatório de andamento. " * 5
    for ciclo in ciclos:
        Atualizacao.objects.bulk_create(
            [
                Atualizacao(
                    atividade_id=pk,
                    instituicao=pf,
                    ciclo=ciclo,
                    situacao="em_andamento",
                    percentual=pk % 100,
                    realizado=realizado,
                    restricoes="=Restrição que parece fórmula; providências em curso.",
                    estado="publicada" if pk % 10 else "enviada",
                    autor=autor,
                    enviado_em=agora,
                    validado_em=agora if pk % 10 else None,
                )
                for pk in atividades
            ],
            batch_size=2000,
        )
    Evidencia.objects.bulk_create(
        [
            Evidencia(
                atualizacao_id=pk, titulo="Relatório", url="https://example.org/relatorio.pdf"
            )
            for pk in Atualizacao.objects.values_list("pk", flat=True)
            if pk % 2 == 0
        ],
        batch_size=2000,
    )
    Atividade.objects.update(situacao="em_andamento", percentual=50, atualizado_em=agora)


def medir(nome: str, tarefa) -> None:
    """Run tarefa in a forked child; print its time and peak memory."""
    from django.db import connections

    connections.close_all()
    base = memoria_mib("VmRSS")
    leitura, escrita = os.pipe()
    filho = os.fork()
    if filho == 0:
        os.close(leitura)
        inicio, cpu = time.perf_counter(), time.process_time()
        tamanho = tarefa()
        segundos, cpu = time.perf_counter() - inicio, time.process_time() - cpu
        os.write(escrita, f"{segundos:.2f} {cpu:.2f} {memoria_mib('VmHWM'):.0f} {tamanho}".encode())
        os._exit(0)
    os.close(escrita)
    segundos, cpu, pico, tamanho = os.read(leitura, 200).decode().split()
    os.waitpid(filho, 0)
    crescimento = float(pico) - base
    print(
        f"{nome:<28} {float(segundos):>7.2f} s {float(cpu):>7.2f} s {float(pico):>7.0f} MiB "
        f"{crescimento:>+7.0f} MiB {int(tamanho) / 2**20:>8.1f} MiB",
        flush=True,
    )


def baixar(caminho: str):
    def tarefa() -> int:
        from django.test import Client

        resposta = Client().get(caminho)
        assert resposta.status_code == 200, caminho
        corpo = resposta.streaming_content if resposta.streaming else [resposta.content]
        return sum(len(parte) for parte in corpo)

    return tarefa


def relatorio_do_ciclo() -> int:
    from dados.relatorio import gerar_relatorio
    from monitoramento.models import Ciclo

    with tempfile.TemporaryFile() as arquivo:
        gerar_relatorio(Ciclo.objects.order_by("-inicio").first(), arquivo)
        return arquivo.tell()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fator", type=int, default=100)
    parser.add_argument("--ciclos", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as pasta:
        os.environ["DATABASE_URL"] = f"sqlite:///{pasta}/benchmark.sqlite3"
        os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
        import django

        django.setup()
        from dados.conjuntos import CONJUNTOS
        from monitoramento.models import Atualizacao
        from plano.models import Atividade

        inicio = time.perf_counter()
        # Built in a child, so the measured processes do not inherit its memory.
        construtor = os.fork()
        if construtor == 0:
            construir(args.fator, args.ciclos)
            os._exit(0)
        os.waitpid(construtor, 0)
        print(
            f"Base: {Atividade.objects.count()} atividades, {Atualizacao.objects.count()} relatos "
            f"({Atualizacao.objects.publicadas().count()} publicados), "
            f"construída em {time.perf_counter() - inicio:.0f} s.\n"
        )
        print(
            f"{'exportação':<28} {'tempo':>9} {'CPU':>9} {'pico RSS':>11} {'aumento':>11} "
            f"{'tamanho':>12}"
        )
        for nome in CONJUNTOS:
            for formato in ("csv", "json", "xlsx", "ods"):
                medir(f"{nome}.{formato}", baixar(f"/dados/{nome}.{formato}"))
        medir("datapackage.json", baixar("/dados/datapackage.json"))
        medir("dados-abertos.zip", baixar("/dados/dados-abertos.zip"))
        medir("relatório semestral (ciclo)", relatorio_do_ciclo)


if __name__ == "__main__":
    main()
