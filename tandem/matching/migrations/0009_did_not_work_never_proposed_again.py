"""A match closed because the relationship did not work is a pair never to be proposed again
(``DeclinedPair`` of kind *did_not_work*). Pairs closed for that reason before this rule get their
row too, dated when their match closed, so the next round does not offer them again either."""

from typing import Any

from django.db import migrations, models


def record_pairs_that_did_not_work(apps: Any, schema_editor: Any) -> None:
    Match = apps.get_model("matching", "Match")
    DeclinedPair = apps.get_model("matching", "DeclinedPair")
    closed = Match.objects.filter(state="closed", closure_reason="relationship_did_not_work").order_by("closed_at", "pk")
    seen: set[tuple[int, int]] = set()
    for match in closed.iterator():
        key = (match.learner_id, match.volunteer_id)
        if key in seen or DeclinedPair.objects.filter(learner_id=key[0], volunteer_id=key[1]).exists():
            continue
        seen.add(key)
        pair = DeclinedPair.objects.create(programme_id=match.programme_id, learner_id=match.learner_id,
                                           volunteer_id=match.volunteer_id, kind="did_not_work",
                                           note=(match.closure_note or "")[:300])
        if match.closed_at is not None:  # auto_now_add stamped today
            DeclinedPair.objects.filter(pk=pair.pk).update(created=match.closed_at)


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0008_proposal_json_as_text'),
    ]

    operations = [
        migrations.AlterField(
            model_name='declinedpair',
            name='kind',
            field=models.CharField(choices=[('declined', 'Said no after the first meeting'), ('did_not_work', 'The relationship did not work'), ('conflict', 'Conflict of interest')], default='declined', max_length=12, verbose_name='why'),
        ),
        migrations.RunPython(record_pairs_that_did_not_work, migrations.RunPython.noop),
    ]
