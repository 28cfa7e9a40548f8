"""Password validator: refuse the common Brazilian passwords and patterns
listed in senhas_comuns.txt (its header states the source). A password is
reduced to its word part first: lower case, accents and common letter
substitutions (0→o, 1→i, 3→e, 4→a, @→a, $→s, 5→s, 7→t) undone, and the
digits and symbols around it dropped. So "senha1234567", "Brasil2026!!",
"iloveyou1234", "S3nh@2024" and "senhasenha" are refused."""

import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

LISTA = Path(__file__).with_name("senhas_comuns.txt")
_TROCAS = str.maketrans("0134@$57", "oieaasst")


@cache
def palavras_comuns() -> frozenset[str]:
    linhas = LISTA.read_text(encoding="utf-8").splitlines()
    return frozenset(
        linha.strip() for linha in linhas if linha.strip() and not linha.startswith("#")
    )


def nucleo(senha: str) -> str:
    """The word part of a password (see the module docstring)."""
    texto = unicodedata.normalize("NFKD", senha.lower())
    texto = "".join(c for c in texto if not unicodedata.combining(c))
    # Digits and symbols around (not @ and $, which stand for letters).
    texto = re.sub(r"^(?:[\d_]|[^\w@$])+|(?:[\d_]|[^\w@$])+$", "", texto)
    return re.sub(r"[\W\d_]+", "", texto.translate(_TROCAS))


def e_comum(senha: str) -> bool:
    palavra = nucleo(senha)
    if not palavra:
        return True  # only digits and symbols
    comuns = palavras_comuns()
    if palavra in comuns:
        return True
    # A listed word repeated ("senhasenha") or a listed word, digits and
    # another listed word ("brasil2026senha") are just as weak.
    partes = [nucleo(p) for p in re.split(r"\d+", senha) if nucleo(p)]
    if partes and all(p in comuns for p in partes):
        return True
    return any(
        palavra == p * (len(palavra) // len(p)) for p in comuns if len(palavra) % len(p) == 0
    )


class SenhaComumValidator:
    """Refuse the common Brazilian passwords and their patterns."""

    def validate(self, password, user=None):
        if e_comum(password):
            raise ValidationError(
                "Esta senha é comum demais (palavras como “senha”, “Brasil” ou nomes de "
                "times, com números ou símbolos em volta, são fáceis de adivinhar).",
                code="senha_comum",
            )

    def get_help_text(self):
        return "A senha não pode ser uma palavra comum com números ou símbolos em volta."
