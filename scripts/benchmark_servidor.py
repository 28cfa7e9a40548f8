"""Throughput of every public URL next to a whitenoise static file, in one run.

    .venv/bin/python scripts/benchmark_servidor.py [--segundos 5] [--conexoes 8] [--rodadas 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paecm_bench .venv/bin/python scripts/benchmark_servidor.py

Production-like: DJANGO_DEBUG=false, gunicorn gthread (2 workers x 4 threads),
whitenoise, Redis (CACHE_URL, default redis://127.0.0.1:6379/8), on a throwaway
database with the real plan and the demo (a fresh SQLite file in a temporary
folder; with DATABASE_URL, that PostgreSQL database is dropped and created
again: never point it at real data). Each URL is warmed first, then measured
with wrk (Debian package `wrk`: `sudo apt-get install wrk`) as `wrk -t2 -cN`.
Prints requests per second and the ratio to the static file, measured right
before each URL (the load of a shared machine drifts), in several rounds: the
round with the median ratio is shown, non-2xx answers summed over all. A measurement,
not a test: run it on an otherwise idle machine.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
URLS = [
    "/",
    "/?ciclo=2025.2",
    "/plano/",
    "/plano/?busca=fronteira",
    "/plano/?ciclo=2025.2",
    "/plano/2/",
    "/plano/1.1/",
    "/plano/1.1.1/",
    "/parceiros/",
    "/parceiros/pf/",
    "/metodologia/",
    "/sobre/",
    "/dados/",
    "/dados/atividades.csv",
    "/dados/atividades.xlsx",
    "/dados/relatos.json",
    "/dados/serie.csv",
    "/dados/relatorios/i-paecm/2025.2.xlsx",
    "/dados/datapackage.json",
    "/dados/dados-abertos.zip",
    "/dados/feeds/relatos/",
    "/api/v1/",
    "/api/v1/atividades/",
    "/api/v1/plano/",
    "/api/v1/serie/",
]


def porta_livre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ambiente(banco: str, porta: int) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="benchmark-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{porta}",
        DATABASE_URL=banco,
        EMAIL_URL="smtp://bench:bench@127.0.0.1:2525",
        CACHE_URL=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/8"),
        # Plain HTTP on the loopback: no redirect to https.
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    return env


def preparar(env: dict) -> None:
    def manage(*args):
        subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)

    banco = env["DATABASE_URL"]
    if banco.startswith("postgres"):
        nome = banco.rsplit("/", 1)[1]
        assert nome not in {"paecm", "postgres"}, "use a throwaway database"
        admin = banco.rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conexao:
            conexao.execute(f'DROP DATABASE IF EXISTS "{nome}"')
            conexao.execute(f'CREATE DATABASE "{nome}"')
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("carregar_plano")
    manage("carregar_demo", "--forcar")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    subprocess.run(
        ["redis-cli", "-u", env["CACHE_URL"], "FLUSHDB"], check=False, capture_output=True
    )


def esperar(base: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/api/v1/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def wrk(url: str, segundos: int, conexoes: int) -> tuple[float, int]:
    saida = subprocess.run(
        ["wrk", "-t2", f"-c{conexoes}", f"-d{segundos}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", saida).group(1))
    erros = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", saida)
    return rps, int(erros.group(1)) if erros else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segundos", type=int, default=5)
    parser.add_argument("--conexoes", type=int, default=8)
    parser.add_argument("--rodadas", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: sudo apt-get install wrk")

    pasta = Path(tempfile.mkdtemp(prefix="paecm-bench-"))
    banco = os.environ.get("DATABASE_URL") or f"sqlite:///{pasta}/bench.sqlite3"
    porta = porta_livre()
    env = ambiente(banco, porta)
    env["MEDIA_ROOT"] = str(pasta / "media")
    preparar(env)
    servidor = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "paecm.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{porta}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    base = f"http://127.0.0.1:{porta}"
    try:
        esperar(base)
        html = urllib.request.urlopen(base + "/", timeout=10).read().decode()
        estatico = re.search(r'href="(/static/[^"]+\.css)"', html).group(1)
        linhas = []
        for url in URLS:
            for _ in range(8):  # every worker process fills its own memory
                with urllib.request.urlopen(base + url, timeout=60) as resposta:
                    tamanho = len(resposta.read())
            # The static file measured right before each URL: on a shared
            # machine the load drifts, and a ratio to one early reference
            # would carry that drift. Several rounds, and the round with the
            # median ratio kept: one neighbour's burst moves one round only.
            rodadas = []
            for _ in range(args.rodadas):
                referencia, _ = wrk(base + estatico, args.segundos, args.conexoes)
                rps, erros = wrk(base + url, args.segundos, args.conexoes)
                rodadas.append((rps / referencia, referencia, rps, erros))
            _, referencia, rps, erros = sorted(rodadas)[len(rodadas) // 2]
            linhas.append((url, tamanho, referencia, rps, sum(r[3] for r in rodadas)))
        motor = "PostgreSQL" if banco.startswith("postgres") else "SQLite"
        print(
            f"\n{motor}, gunicorn gthread 2x4, wrk -t2 -c{args.conexoes} -d{args.segundos}s, "
            f"median of {args.rodadas} rounds"
        )
        print(f"static file: {estatico}, measured before each URL in each round\n")
        print("| URL | bytes | static req/s | req/s | × static | non-2xx |")
        print("|---|---|---|---|---|---|")
        for url, tamanho, referencia, rps, erros in linhas:
            print(
                f"| `{url}` | {tamanho:,} | {referencia:,.0f} | {rps:,.0f} | "
                f"{rps / referencia:.2f} | {erros} |"
            )
        abaixo = [url for url, _t, referencia, rps, _e in linhas if rps / referencia < 0.8]
        print(f"\nBelow 0.8x static: {', '.join(abaixo) if abaixo else 'none'}")
    finally:
        servidor.terminate()
        servidor.wait(timeout=30)
        shutil.rmtree(pasta, ignore_errors=True)


if __name__ == "__main__":
    main()
