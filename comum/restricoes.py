"""Database constraints that speak to people.

Django's default message for a violated constraint is its internal name
(`Restrição "evidencia_tem_link_ou_arquivo" foi violada.`). A model that mixes
in MensagensDasRestricoes names, for every constraint in its Meta, the
sentence a form shows instead; comum.restricoes.sem_mensagem lists the ones a
model forgot (a test asserts it lists none).
"""

from django.core.exceptions import ValidationError
from django.db import router


class MensagensDasRestricoes:
    """Validate the model's constraints with its own messages.

    mensagens_das_restricoes maps a constraint name to the message shown
    when it is violated. The message replaces Django's (and the message of a
    unique constraint, "… com este … já existe"), never the check itself."""

    mensagens_das_restricoes: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        usando = router.db_for_write(self.__class__, instance=self)
        erros: dict = {}
        for restricao in self._meta.constraints:
            try:
                restricao.validate(self.__class__, self, exclude=exclude, using=usando)
            except ValidationError as violacao:
                mensagem = self.mensagens_das_restricoes.get(restricao.name)
                erro = ValidationError(mensagem, code=restricao.name) if mensagem else violacao
                erros = erro.update_error_dict(erros)
        if erros:
            raise ValidationError(erros)


def sem_mensagem(modelo) -> list[str]:
    """The constraints of a model that would show Django's internal text."""
    mensagens = getattr(modelo, "mensagens_das_restricoes", {})
    return [r.name for r in modelo._meta.constraints if r.name not in mensagens]
