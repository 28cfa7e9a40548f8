"""comum.historia: `Model.history` built once per class pair, still bound to
its own model and instance."""

from plano.models import Atividade


def test_historia_de_cada_instancia_e_so_dela(plano):
    uma, outra = Atividade.objects.order_by("pk")[:2]
    uma.texto += " (revisado)"
    uma.save()
    assert uma.history.count() == outra.history.count() + 1
    assert set(uma.history.values_list("id", flat=True)) == {uma.pk}
    assert Atividade.history.filter(id__in=[uma.pk, outra.pk]).count() == (
        uma.history.count() + outra.history.count()
    )
    assert type(uma.history) is type(Atividade.history)
