from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Load the demo schools, sites, postings and logins (password 'practicum-demo'). "
        "Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (the demo logins have a public password)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a real deployment: the demo logins share a public password. "
                "Run with --force if you really want the demo data here."
            )
        from accounts import demo as accounts_demo
        from placements import demo as placements_demo

        accounts_demo.seed(stdout=self.stdout)
        placements_demo.seed(stdout=self.stdout)
        self._print_logins(accounts_demo.LOGINS, accounts_demo.DEMO_PASSWORD)

    def _print_logins(self, logins, password):
        width = max(len(email) for email, _ in logins)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {password})"))
        self.stdout.write(f"  {'login'.ljust(width)}  role")
        self.stdout.write(f"  {'-' * width}  {'-' * 40}")
        for email, role in logins:
            self.stdout.write(f"  {email.ljust(width)}  {role}")
