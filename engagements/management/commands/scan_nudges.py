from django.core.management.base import BaseCommand

from engagements.services import nudges


class Command(BaseCommand):
    help = (
        "Run one nudge scan now: claim every due (clock, level) pair and enqueue its "
        "delivery. Prints one line per claim."
    )

    def handle(self, *args, **options) -> None:
        claimed = nudges.nudges_scan()
        for claim in claimed:
            self.stdout.write(
                f"claimed level {claim.level} of clock {claim.clock_id} "
                f"(organization {claim.organization_id}) as nudge {claim.nudge_id}"
            )
        self.stdout.write(f"{len(claimed)} nudge(s) claimed")
