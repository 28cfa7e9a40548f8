"""The import log and the import/export permissions of the plan; the group
"Equipe CGETP" (created by monitoramento 0003_grupos) receives them and a
read-only view of the log."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.conf import settings
from django.db import migrations, models

CODENAMES = ["import_plano", "export_plano", "view_importacaodoplano"]


def conceder(apps, schema_editor):
    app_config = apps.get_app_config("plano")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    equipe, _ = Group.objects.get_or_create(name="Equipe CGETP")
    equipe.permissions.add(
        *Permission.objects.filter(content_type__app_label="plano", codename__in=CODENAMES)
    )


def retirar(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for equipe in Group.objects.filter(name="Equipe CGETP"):
        equipe.permissions.remove(
            *Permission.objects.filter(content_type__app_label="plano", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plano", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("monitoramento", "0003_grupos"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="plano",
            options={
                "ordering": ["ano_inicio", "sigla"],
                "permissions": [
                    ("import_plano", "Pode importar o plano de uma planilha"),
                    ("export_plano", "Pode exportar o plano em planilha"),
                ],
                "verbose_name": "plano",
                "verbose_name_plural": "planos",
            },
        ),
        migrations.CreateModel(
            name="ImportacaoDoPlano",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("criado_em", models.DateTimeField(auto_now_add=True, verbose_name="importado em")),
                ("arquivo", models.CharField(max_length=255, verbose_name="nome do arquivo")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256 do arquivo")),
                ("novos", models.PositiveIntegerField(verbose_name="itens novos")),
                ("alterados", models.PositiveIntegerField(verbose_name="itens alterados")),
                ("inalterados", models.PositiveIntegerField(verbose_name="itens sem alteração")),
                (
                    "plano",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="importacoes",
                        to="plano.plano",
                    ),
                ),
                (
                    "usuario",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="importacoes_do_plano",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "importação do plano",
                "verbose_name_plural": "importações do plano",
                "ordering": ["-criado_em", "-pk"],
            },
        ),
        migrations.RunPython(conceder, retirar),
    ]
