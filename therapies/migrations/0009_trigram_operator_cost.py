"""Tell the planner what pg_trgm's word-similarity operator really costs.

pg_trgm declares ``<%`` as cheap as an equality test, so PostgreSQL prefers reading every
therapy's names to reading the trigram indexes, and a search spends milliseconds comparing
names. Declaring its true cost lets the planner choose the indexes. A database user that does
not own the extension's functions (some managed services) keeps the default: searches still
work, only more slowly.
"""

from django.db import migrations


def set_cost(cost):
    return f"""
    DO $$
    BEGIN
        ALTER FUNCTION word_similarity_op(text, text) COST {cost};
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'word_similarity_op cost left unchanged (not its owner)';
    END
    $$;
    """


class Migration(migrations.Migration):
    dependencies = [("therapies", "0008_name_trigram_indexes")]
    operations = [migrations.RunSQL(set_cost(100), set_cost(1))]
