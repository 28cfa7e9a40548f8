"""The search vectors of inserted activities and of inserted or deleted links,
kept once per statement instead of once per row (PostgreSQL only).

With row triggers, a bulk insert of activities and then of their links
computed each activity's vector once for itself and once again for every
link, each an UPDATE of the row: the 7,425 activities and 2,376 links that
tests.factories.ampliar_plano adds at 100 times took 3.2 s of the database's
time, 1.0 s with these. A statement trigger sees the rows it touched in a
transition table and updates each activity once. Updates keep their row
triggers (0005): PostgreSQL allows no transition table on a trigger with a
column list, and updates come one by one from the admin. The SQL is written
out here, so that this migration never changes."""

from django.db import migrations

POR_COMANDO = """
DROP TRIGGER plano_busca_da_atividade ON plano_atividade;
CREATE TRIGGER plano_busca_da_atividade AFTER UPDATE OF codigo, texto, acao_id
  ON plano_atividade FOR EACH ROW EXECUTE FUNCTION plano_busca_da_atividade();

CREATE FUNCTION plano_busca_das_atividades_novas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE plano_atividade SET busca = plano_vetor_de_busca(id)
  WHERE id IN (SELECT id FROM novas);
  RETURN NULL;
END $$;
CREATE TRIGGER plano_busca_das_atividades_novas AFTER INSERT ON plano_atividade
  REFERENCING NEW TABLE AS novas
  FOR EACH STATEMENT EXECUTE FUNCTION plano_busca_das_atividades_novas();

DROP TRIGGER plano_busca_do_vinculo ON plano_vinculo;
CREATE TRIGGER plano_busca_do_vinculo AFTER UPDATE
  ON plano_vinculo FOR EACH ROW EXECUTE FUNCTION plano_busca_do_vinculo();

CREATE FUNCTION plano_busca_dos_vinculos_mudados() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE plano_atividade SET busca = plano_vetor_de_busca(id)
    WHERE id IN (SELECT atividade_id FROM novos);
  ELSE
    UPDATE plano_atividade SET busca = plano_vetor_de_busca(id)
    WHERE id IN (SELECT atividade_id FROM removidos);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER plano_busca_dos_vinculos_novos AFTER INSERT ON plano_vinculo
  REFERENCING NEW TABLE AS novos
  FOR EACH STATEMENT EXECUTE FUNCTION plano_busca_dos_vinculos_mudados();
CREATE TRIGGER plano_busca_dos_vinculos_removidos AFTER DELETE ON plano_vinculo
  REFERENCING OLD TABLE AS removidos
  FOR EACH STATEMENT EXECUTE FUNCTION plano_busca_dos_vinculos_mudados();
"""

POR_LINHA = """
DROP TRIGGER plano_busca_dos_vinculos_removidos ON plano_vinculo;
DROP TRIGGER plano_busca_dos_vinculos_novos ON plano_vinculo;
DROP FUNCTION plano_busca_dos_vinculos_mudados();
DROP TRIGGER plano_busca_do_vinculo ON plano_vinculo;
CREATE TRIGGER plano_busca_do_vinculo AFTER INSERT OR UPDATE OR DELETE
  ON plano_vinculo FOR EACH ROW EXECUTE FUNCTION plano_busca_do_vinculo();

DROP TRIGGER plano_busca_das_atividades_novas ON plano_atividade;
DROP FUNCTION plano_busca_das_atividades_novas();
DROP TRIGGER plano_busca_da_atividade ON plano_atividade;
CREATE TRIGGER plano_busca_da_atividade AFTER INSERT OR UPDATE OF codigo, texto, acao_id
  ON plano_atividade FOR EACH ROW EXECUTE FUNCTION plano_busca_da_atividade();
"""


def _no_postgres(sql):
    def executar(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return executar


class Migration(migrations.Migration):
    dependencies = [("plano", "0005_busca_textual")]
    operations = [migrations.RunPython(_no_postgres(POR_COMANDO), _no_postgres(POR_LINHA))]
