"""Extract the I PAECM table from the ministry's page into fixtures/i_paecm.json.

Run once when the page changes: `python scripts/extrair_plano.py [PAGE_FILE]` (default:
fixtures/fonte/pagina_i_paecm_mjsp.txt, the verbatim copy of the ministry's page).
The output is reviewed and committed; tests check it against the seed itself.
The page's table runs codes into each other on one line ("2 - ... 2.1. ... 2.1.1.")
and its texts cite other codes ("previsto na Atividade 1.1.1."), so the parser
only accepts, at each step, the codes that can come next in the hierarchy.
"""

import json
import re
import sys
from pathlib import Path

TABLE_START = "OBJETIVO ESPECÍFICO AÇÃO PRIORITÁRIA ATIVIDADES PARCEIROS LINKS\n"
TABLE_END = "Compartilhe por Facebook"
OBJECTIVES_START = "tem como objetivos específicos:\n"

INSTITUICOES = [
    ("MJSP", "Ministério da Justiça e Segurança Pública", "executivo_federal"),
    ("MPF", "Ministério Público Federal", "justica"),
    ("PF", "Polícia Federal", "executivo_federal"),
    ("DPU", "Defensoria Pública da União", "justica"),
    ("Agências Internacionais", "Agências Internacionais", "internacional"),
    ("OSCs", "Organizações da Sociedade Civil", "sociedade_civil"),
    ("Núcleos Estaduais", "Núcleos Estaduais de Enfrentamento ao Tráfico de Pessoas", "estadual"),
    ("PAAHMs", "Postos Avançados de Atendimento Humanizado ao Migrante", "estadual"),
]


def _find(text, pos, pattern):
    """First match of pattern at pos or later that starts a line or follows a blank."""
    for match in re.finditer(pattern, text[pos:]):
        start = pos + match.start()
        if start == 0 or text[start - 1] in " \n":
            return start, pos + match.end()
    return None


def _next_item(text, pos, o, a, t):
    """The earliest code that may follow objective o, action a, activity t."""
    candidates = [
        ("atividade", rf"{o}\.{a}\.{t + 1}\. "),
        ("acao", rf"{o}\.{a + 1}\. "),
        ("objetivo", rf"{o + 1} ?- "),
    ]
    found = []
    for kind, pattern in candidates:
        hit = _find(text, pos, pattern)
        if hit:
            found.append((hit[0], hit[1], kind))
    return min(found) if found else None


def parse(seed: str) -> dict:
    table = seed.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0]
    pieces = []  # (kind, code, raw text)
    o = a = t = 0
    pos = 0
    hit = _next_item(table, pos, o, a, t)
    while hit:
        start, end, kind = hit
        if pieces:
            pieces[-1][2] = table[pos:start]
        if kind == "objetivo":
            o, a, t = o + 1, 0, 0
            code = str(o)
        elif kind == "acao":
            a, t = a + 1, 0
            code = f"{o}.{a}"
        else:
            t += 1
            code = f"{o}.{a}.{t}"
        pieces.append([kind, code, ""])
        pos = end
        hit = _next_item(table, pos, o, a, t)
    pieces[-1][2] = table[pos:]

    objectives_text = seed.split(OBJECTIVES_START, 1)[1].split("\n\n", 1)[0]
    descricoes = {}
    for line in objectives_text.splitlines():
        match = re.match(r"\s+(\d)\. (.*)$", line)
        if match:
            descricoes[match.group(1)] = match.group(2).strip()

    objetivos = []
    for kind, code, raw in pieces:
        blocks = [b.strip() for b in re.split(r"\n\s*\n", raw.strip())]
        texto = "\n".join(line.rstrip() for line in blocks[0].splitlines())
        if kind == "objetivo":
            objetivos.append(
                {"codigo": code, "texto": texto, "descricao": descricoes[code], "acoes": []}
            )
        elif kind == "acao":
            objetivos[-1]["acoes"].append({"codigo": code, "texto": texto, "atividades": []})
        else:
            objetivos[-1]["acoes"][-1]["atividades"].append(
                {"codigo": code, "texto": texto, "parceiros": [b for b in blocks[1:] if b]}
            )
    return objetivos


def main(seed_path: str) -> None:
    seed = Path(seed_path).read_text(encoding="utf-8")
    data = {
        "plano": {
            "slug": "i-paecm",
            "sigla": "I PAECM",
            "nome": "I Plano de Ação de Enfrentamento ao Contrabando de Migrantes",
            "ano_inicio": 2024,
            "ano_fim": 2029,
            "url_fonte": "https://www.gov.br/mj/pt-br/assuntos/sua-protecao/trafico-de-pessoas/i-paecm",
            "licenca": "Creative Commons Atribuição-SemDerivações 3.0 Não Adaptada (CC BY-ND 3.0)",
            "publicado_em": "2024-11-22",
            "atualizado_na_fonte_em": "2024-11-29",
        },
        "instituicoes": [{"sigla": s, "nome": n, "tipo": k} for s, n, k in INSTITUICOES],
        "objetivos": parse(seed),
    }
    out = Path(__file__).resolve().parent.parent / "fixtures" / "i_paecm.json"
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(
        sys.argv[1]
        if len(sys.argv) > 1
        else str(
            Path(__file__).resolve().parent.parent
            / "fixtures"
            / "fonte"
            / "pagina_i_paecm_mjsp.txt"
        )
    )
