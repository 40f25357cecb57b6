"""Volunteers' expertise becomes codes of the programme's fields ("Mathe" → "maths"); a word the
vocabulary does not know becomes a new field of that programme, named as it was typed."""

from django.db import migrations, models

import tandem.core.availability
import tandem.core.languages
from tandem.core.fields import codes_for_free_text


def expertise_to_codes(apps, schema_editor):
    Volunteer = apps.get_model("onboarding", "Volunteer")
    Field = apps.get_model("core", "Field")
    vocabularies = {}
    for volunteer in Volunteer.objects.select_related("programme").exclude(expertise=[]).iterator():
        codes = codes_for_free_text(field_model=Field, programme=volunteer.programme,
                                    words=volunteer.expertise or [], vocabularies=vocabularies)
        if codes != volunteer.expertise:
            volunteer.expertise = codes
            volunteer.save(update_fields=["expertise"])


class Migration(migrations.Migration):

    dependencies = [
        ('onboarding', '0001_initial'),
        ('core', '0005_fields_vocabulary'),
    ]

    operations = [
        migrations.AlterField(
            model_name='volunteer',
            name='availability',
            field=models.JSONField(blank=True, default=list, validators=[tandem.core.availability.validate_slots], verbose_name='availability'),
        ),
        migrations.AlterField(
            model_name='volunteer',
            name='languages',
            field=models.JSONField(blank=True, default=list, validators=[tandem.core.languages.validate_languages], verbose_name='languages'),
        ),
        migrations.RunPython(expertise_to_codes, migrations.RunPython.noop),
    ]
