# The reminder log keeps one row per agency, kind and day (issue 14: expiring certificates).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0006_kelurahan'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='reminderlog',
            options={'ordering': ['-sent_on', 'agency'], 'verbose_name': 'pengingat', 'verbose_name_plural': 'pengingat'},
        ),
        migrations.RemoveConstraint(
            model_name='reminderlog',
            name='reminder_once_a_day',
        ),
        migrations.AddField(
            model_name='reminderlog',
            name='kind',
            field=models.CharField(choices=[('deadline', 'Tenggat pengisian'), ('certificates', 'Sertifikat register segera berakhir')], default='deadline', max_length=20, verbose_name='jenis'),
        ),
        migrations.AlterField(
            model_name='reminderlog',
            name='period',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='indicators.period'),
        ),
        migrations.AddConstraint(
            model_name='reminderlog',
            constraint=models.UniqueConstraint(fields=('agency', 'kind', 'sent_on'), name='reminder_once_a_day_per_kind'),
        ),
    ]
