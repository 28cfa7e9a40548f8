"""Full-text search on PostgreSQL (plano.busca_textual): unaccent, the
Portuguese configuration without accents, the `busca` column of activities
kept by triggers, and its GIN index. Nothing on SQLite. The SQL is written
out here, so that this migration never changes."""

from django.db import migrations

CONFIGURACAO = "public.pt_sem_acento"
TRIGGERS = [
    ("plano_busca_da_atividade", "plano_atividade"),
    ("plano_busca_da_acao", "plano_acao"),
    ("plano_busca_do_objetivo", "plano_objetivo"),
    ("plano_busca_do_vinculo", "plano_vinculo"),
    ("plano_busca_da_instituicao", "parceiros_instituicao"),
]

# The vector of an activity, and the triggers that keep it when a text, a link or
# an institution changes.
VETOR = """
CREATE OR REPLACE FUNCTION plano_vetor_de_busca(atividade bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT setweight(to_tsvector('public.pt_sem_acento', a.codigo || ' ' || a.texto), 'A')
      || setweight(to_tsvector('public.pt_sem_acento', ac.texto), 'B')
      || setweight(to_tsvector('public.pt_sem_acento', o.texto), 'C')
      || setweight(to_tsvector('public.pt_sem_acento', coalesce((
           SELECT string_agg(i.sigla || ' ' || i.nome, ' ')
           FROM plano_vinculo v JOIN parceiros_instituicao i ON i.id = v.instituicao_id
           WHERE v.atividade_id = a.id), '')), 'D')
  FROM plano_atividade a
  JOIN plano_acao ac ON ac.id = a.acao_id
  JOIN plano_objetivo o ON o.id = ac.objetivo_id
  WHERE a.id = atividade
$$;

CREATE OR REPLACE FUNCTION plano_busca_da_atividade() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE plano_atividade SET busca = plano_vetor_de_busca(NEW.id) WHERE id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER plano_busca_da_atividade AFTER INSERT OR UPDATE OF codigo, texto, acao_id
  ON plano_atividade FOR EACH ROW EXECUTE FUNCTION plano_busca_da_atividade();

CREATE OR REPLACE FUNCTION plano_busca_da_acao() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE plano_atividade SET busca = plano_vetor_de_busca(id) WHERE acao_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER plano_busca_da_acao AFTER UPDATE OF texto
  ON plano_acao FOR EACH ROW EXECUTE FUNCTION plano_busca_da_acao();

CREATE OR REPLACE FUNCTION plano_busca_do_objetivo() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE plano_atividade SET busca = plano_vetor_de_busca(id)
  WHERE acao_id IN (SELECT id FROM plano_acao WHERE objetivo_id = NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER plano_busca_do_objetivo AFTER UPDATE OF texto
  ON plano_objetivo FOR EACH ROW EXECUTE FUNCTION plano_busca_do_objetivo();

CREATE OR REPLACE FUNCTION plano_busca_do_vinculo() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE plano_atividade SET busca = plano_vetor_de_busca(id) WHERE id = OLD.atividade_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE plano_atividade SET busca = plano_vetor_de_busca(id) WHERE id = NEW.atividade_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER plano_busca_do_vinculo AFTER INSERT OR UPDATE OR DELETE
  ON plano_vinculo FOR EACH ROW EXECUTE FUNCTION plano_busca_do_vinculo();

CREATE OR REPLACE FUNCTION plano_busca_da_instituicao() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE plano_atividade SET busca = plano_vetor_de_busca(id)
  WHERE id IN (SELECT atividade_id FROM plano_vinculo WHERE instituicao_id = NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER plano_busca_da_instituicao AFTER UPDATE OF sigla, nome
  ON parceiros_instituicao FOR EACH ROW EXECUTE FUNCTION plano_busca_da_instituicao();
"""


def criar(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIGURACAO}",
        f"CREATE TEXT SEARCH CONFIGURATION {CONFIGURACAO} (COPY = pg_catalog.portuguese)",
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIGURACAO} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, portuguese_stem",
        "ALTER TABLE plano_atividade ADD COLUMN busca tsvector",
        VETOR,
        "UPDATE plano_atividade SET busca = plano_vetor_de_busca(id)",
        "CREATE INDEX plano_atividade_busca ON plano_atividade USING gin (busca)",
    ]:
        schema_editor.execute(sql)


def remover(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for gatilho, tabela in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {gatilho} ON {tabela}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {gatilho}()")
    schema_editor.execute("DROP FUNCTION IF EXISTS plano_vetor_de_busca(bigint)")
    schema_editor.execute("ALTER TABLE plano_atividade DROP COLUMN IF EXISTS busca")
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIGURACAO}")


class Migration(migrations.Migration):
    dependencies = [("plano", "0004_nomes_em_portugues"), ("parceiros", "0001_initial")]
    operations = [migrations.RunPython(criar, remover)]
