from django.db import migrations

from lib.row_level_security import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("recruiting", "0001_initial"),
    ]

    operations = [
        EnableRowLevelSecurity("client"),
        EnableRowLevelSecurity("contact"),
        EnableRowLevelSecurity("role"),
        EnableRowLevelSecurity("candidate"),
        EnableRowLevelSecurity("submission"),
        EnableRowLevelSecurity("skillsreview"),
        EnableRowLevelSecurity("cultureapproval"),
        EnableRowLevelSecurity("interviewfeedback"),
    ]
