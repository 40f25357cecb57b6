"""Each programme gets its vocabulary of fields, seeded from the shipped defaults."""

import django.db.models.deletion
from django.db import migrations, models

import tandem.core.languages
from tandem.core.fields import default_field_values


def seed_fields(apps, schema_editor):
    Programme = apps.get_model("core", "Programme")
    Field = apps.get_model("core", "Field")
    for programme in Programme.objects.all():
        Field.objects.bulk_create([
            Field(programme=programme, **values)
            for values in default_field_values(country=programme.country, languages=programme.languages or [])
        ], ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_postal_codes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='programme',
            name='languages',
            field=models.JSONField(blank=True, default=list, help_text='The languages the programme works in, its main language first.', validators=[tandem.core.languages.validate_languages], verbose_name='languages'),
        ),
        migrations.CreateModel(
            name='Field',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='code')),
                ('label_en', models.CharField(blank=True, max_length=80, verbose_name='name in English')),
                ('label_nl', models.CharField(blank=True, max_length=80, verbose_name='name in Dutch')),
                ('label_fr', models.CharField(blank=True, max_length=80, verbose_name='name in French')),
                ('label_de', models.CharField(blank=True, max_length=80, verbose_name='name in German')),
                ('synonyms', models.JSONField(blank=True, default=dict, verbose_name='other words')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fields', to='core.programme', verbose_name='programme')),
            ],
            options={
                'verbose_name': 'field',
                'verbose_name_plural': 'fields',
                'ordering': ('code',),
                'constraints': [models.UniqueConstraint(fields=('programme', 'code'), name='field_code_per_programme')],
            },
        ),
        migrations.RunPython(seed_fields, migrations.RunPython.noop),
    ]
