from django.contrib.auth.management import create_permissions
from django.db import migrations


def permissoes_da_equipe(apps, schema_editor):
    """Equipe CGETP reads the e-mail outbox (and re-queues failed messages)
    and the cron jobs' last runs."""
    app_config = apps.get_app_config("operacao")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissoes = Permission.objects.filter(
        content_type__app_label="operacao", codename__in=["view_mensagem", "view_tarefa"]
    )
    for grupo in Group.objects.filter(name="Equipe CGETP"):
        grupo.permissions.add(*permissoes)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoramento", "0006_indice_cobertura_do_ciclo"),
        ("operacao", "0001_initial"),
    ]

    operations = [migrations.RunPython(permissoes_da_equipe, migrations.RunPython.noop)]
