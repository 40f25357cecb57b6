"""Learners get needs (codes of the programme's fields); school levels become per country, and
generic levels recorded earlier move to the country's level they meant where that is clear."""

from django.db import migrations, models

import tandem.core.availability
import tandem.core.languages
from tandem.intake.levels import LEGACY


def levels_per_country(apps, schema_editor):
    Learner = apps.get_model("intake", "Learner")
    for country, moves in LEGACY.items():
        for old, new in moves.items():
            Learner.objects.filter(programme__country=country, level=old).update(level=new)


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0001_initial'),
        ('core', '0005_fields_vocabulary'),
    ]

    operations = [
        migrations.AddField(
            model_name='learner',
            name='needs',
            field=models.JSONField(blank=True, default=list, verbose_name='help needed with'),
        ),
        migrations.AlterField(
            model_name='learner',
            name='availability',
            field=models.JSONField(blank=True, default=list, validators=[tandem.core.availability.validate_slots], verbose_name='availability'),
        ),
        migrations.AlterField(
            model_name='learner',
            name='languages',
            field=models.JSONField(blank=True, default=list, validators=[tandem.core.languages.validate_languages], verbose_name='languages'),
        ),
        migrations.AlterField(
            model_name='learner',
            name='level',
            field=models.CharField(blank=True, choices=[('primary', 'Primary school'), ('vmbo', 'vmbo (pre-vocational secondary)'), ('havo', 'havo (senior general secondary)'), ('vwo', 'vwo (pre-university secondary)'), ('mbo', 'mbo (vocational education)'), ('hbo', 'hbo (university of applied sciences)'), ('wo', 'wo (research university)'), ('aso', 'Secondary: general (ASO)'), ('tso', 'Secondary: technical (TSO)'), ('bso', 'Secondary: vocational (BSO)'), ('kso', 'Secondary: arts (KSO)'), ('hauptschule', 'Hauptschule (lower secondary)'), ('realschule', 'Realschule (intermediate secondary)'), ('gymnasium', 'Gymnasium (academic secondary)'), ('gesamtschule', 'Gesamtschule (comprehensive secondary)'), ('berufsschule', 'Berufsschule (apprenticeship)'), ('hochschule', 'Hochschule (university)'), ('college', 'collège (lower secondary)'), ('lycee_general', 'lycée général (general upper secondary)'), ('lycee_pro', 'lycée professionnel (vocational upper secondary)'), ('cap', 'CAP (vocational certificate)'), ('bts', 'BTS (higher technician diploma)'), ('universite', 'université (university)'), ('secondary', 'Secondary school'), ('vocational', 'Vocational school'), ('apprenticeship', 'Apprenticeship'), ('bachelor', 'Bachelor'), ('master', 'Master'), ('other', 'Other')], max_length=20, verbose_name='level'),
        ),
        migrations.RunPython(levels_per_country, migrations.RunPython.noop),
    ]
