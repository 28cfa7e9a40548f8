"""The one rule for text that goes into a spreadsheet cell or a data file.

XML 1.0 allows only tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and
U+10000–U+10FFFF. Anything else (C0 controls, lone surrogates, U+FFFE,
U+FFFF) makes an XLSX or ODS unreadable: openpyxl refuses the file,
LibreOffice cuts the sheet at that cell. Excel holds at most 32,767
characters (UTF-16 code units) in a cell and cuts the rest silently, so a
longer text is cut here with a visible marker instead.

Every writer (open-data CSV, JSON, XLSX and ODS, the semestral report, the
admin's plan export) passes its text through `limpar_celula`, so every format
shows the same value.
"""

import re

LIMITE_DA_CELULA = 32_767
MARCA_DE_CORTE = " [… texto cortado: passa de 32.767 caracteres]"
ILEGAIS_EM_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def sem_ilegais(texto: str) -> str:
    """The text without the characters XML 1.0 forbids."""
    return ILEGAIS_EM_XML.sub("", texto)


def limpar_celula(texto: str) -> str:
    """The text without XML-illegal characters, cut to LIMITE_DA_CELULA UTF-16
    code units, the cut marked by MARCA_DE_CORTE."""
    texto = ILEGAIS_EM_XML.sub("", texto)
    if len(texto) * 2 <= LIMITE_DA_CELULA:  # even if every character took two units
        return texto
    unidades = texto.encode("utf-16-le", "surrogatepass")
    if len(unidades) // 2 <= LIMITE_DA_CELULA:
        return texto
    resto = (LIMITE_DA_CELULA - len(MARCA_DE_CORTE)) * 2
    # "ignore" drops a surrogate pair cut in half.
    return unidades[:resto].decode("utf-16-le", "ignore") + MARCA_DE_CORTE


def celula(valor):
    """A value of a data set's row: text cleaned, anything else unchanged."""
    return limpar_celula(valor) if isinstance(valor, str) else valor


def recusar_ilegais(texto: str) -> None:
    """Form validator: refuses, with a clear message, the characters
    `limpar_celula` would drop, so what a partner sends is what is published."""
    from django.core.exceptions import ValidationError

    achados = sorted({f"U+{ord(c):04X}" for c in ILEGAIS_EM_XML.findall(str(texto))})
    if achados:
        raise ValidationError(
            "O texto tem caracteres invisíveis que não podem ser publicados (%(codigos)s). "
            "Costumam vir de texto colado de outro programa: apague-os e envie de novo.",
            code="caracteres_ilegais",
            params={"codigos": ", ".join(achados[:5])},
        )


# A text starting with one of these would be read as a formula by a spreadsheet.
INICIOS_PERIGOSOS = ("=", "+", "-", "@", "\t", "\r")


def neutralizar(valor):
    """A text that would start a formula gets a leading apostrophe (CSV);
    anything else is returned unchanged, numbers included."""
    if isinstance(valor, str) and valor.startswith(INICIOS_PERIGOSOS):
        return "'" + valor
    return valor
