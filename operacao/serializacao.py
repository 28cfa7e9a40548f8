"""The backup's serialisation (SERIALIZATION_MODULES "copia"): Django's JSON,
with datetimes and times to the microsecond. Django's own cuts them to the
millisecond, and what is derived from a timestamp (a change's public id in
the change log, its feed entry's id) would change after a restore. Reads as
Django's JSON, so copies written before it load too."""

import datetime

from django.core.serializers import json as django_json


class JSONAoMicrossegundo(django_json.DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time) and o.microsecond:
            texto = o.isoformat()
            return texto.removesuffix("+00:00") + "Z" if texto.endswith("+00:00") else texto
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = JSONAoMicrossegundo


Deserializer = django_json.Deserializer
