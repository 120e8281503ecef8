"""`python manage.py reset_second_factor USERNAME`: the account enrols again at its next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shdt.core.second_factor import second_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a staff account's second factor (its authenticator and recovery codes), say for a lost "
        "phone: the account sets up a new authenticator at its next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account's username.")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No account has the username {username!r}; nothing was changed.") from None
        removed = second_factor_reset(user=user)
        if not any(removed.values()):
            self.stdout.write(f"{username} had no second factor; they will set one up at their next sign-in.")
            return
        what = f"{removed['authenticators']} authenticator(s), {removed['recovery codes']} unused recovery code(s)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed the second factor of {username} ({what}). They will set up a new authenticator "
                "at their next sign-in; a session verified with the old one must verify again."
            )
        )
