"""Create the staff groups with exactly the permissions they need.

Permissions are normally created after migrate; create them here first so the
groups can be filled on a fresh database."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Equipe CGETP edits the plan, institutions, links, users and cycles, and reads reports.
EQUIPE = {
    "plano": {
        "plano": "vac",
        "objetivo": "vacd",
        "acao": "vacd",
        "atividade": "vacd",
        "vinculo": "vacd",
    },
    "parceiros": {"instituicao": "vac", "usuario": "vac"},
    "monitoramento": {"ciclo": "vac", "atualizacao": "v", "evidencia": "v"},
}
# Validadores read reports and may validate them.
VALIDADORES = {"monitoramento": {"atualizacao": "v", "evidencia": "v"}}
ACOES = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def _codenames(spec):
    for app, modelos in spec.items():
        for modelo, letras in modelos.items():
            for letra in letras:
                yield app, f"{ACOES[letra]}_{modelo}"


def criar_grupos(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissoes(spec, extras=()):
        pares = list(_codenames(spec)) + list(extras)
        return [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in pares
        ]

    equipe, _ = Group.objects.get_or_create(name="Equipe CGETP")
    equipe.permissions.set(permissoes(EQUIPE))
    validadores, _ = Group.objects.get_or_create(name="Validadores")
    validadores.permissions.set(permissoes(VALIDADORES, [("monitoramento", "validar_atualizacao")]))


def remover_grupos(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Equipe CGETP", "Validadores"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoramento", "0002_initial"),
        ("plano", "0001_initial"),
        ("parceiros", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(criar_grupos, remover_grupos)]
