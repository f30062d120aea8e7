from django.db import migrations

from lib.row_level_security import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_initial"),
    ]

    operations = [
        EnableRowLevelSecurity("intakemeeting"),
        EnableRowLevelSecurity("intakeattendance"),
        EnableRowLevelSecurity("expectationagreement"),
        EnableRowLevelSecurity("agreementacknowledgement"),
        EnableRowLevelSecurity("agreementcomment"),
    ]
