"""
`python manage.py create_staff USERNAME --role reviewer [--email …] [--no-password]`:
create a staff account in a role, or give an existing account another role (shdt.core.roles).

The password of a new account comes from the environment variable SHDT_STAFF_PASSWORD if it
is set (for scripts), otherwise it is asked twice at the terminal; --no-password leaves it
unusable (the account can then be given one by a superuser or a password reset). An existing
account keeps its password unless SHDT_STAFF_PASSWORD is set.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shdt.core.roles import ROLE_SLUGS, staff_role_set

PASSWORD_VARIABLE = "SHDT_STAFF_PASSWORD"


def stdin_is_terminal() -> bool:
    return os.isatty(0)


class Command(BaseCommand):
    help = (
        "Create a staff account in a role (editor, reviewer, viewer, account-admin), or give an existing "
        f"account that role. The password is read from ${PASSWORD_VARIABLE} if set, else asked twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account's username.")
        # Not argparse's `choices`: an unknown role gets the command's own error, which names the roles.
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(ROLE_SLUGS)}.")
        parser.add_argument("--email", help="The account's email address (set or changed).")
        parser.add_argument(
            "--no-password",
            action="store_true",
            help="Create the account without a usable password (it is given one later).",
        )

    def handle(self, *args, username, role, email=None, no_password=False, **options):
        if role not in ROLE_SLUGS:
            raise CommandError(f"Unknown role {role!r}; the roles are: {', '.join(ROLE_SLUGS)}. Nothing was changed.")
        group = ROLE_SLUGS[role]
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            user = User(**{User.USERNAME_FIELD: username})
        if email is not None:
            user.email = email

        password = None
        if no_password:
            if created:
                user.set_unusable_password()
        else:
            password = os.environ.get(PASSWORD_VARIABLE)
            if password is None and created:
                password = self.password_asked()
            if password is not None:
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    raise CommandError(f"The password is refused: {' '.join(error.messages)} Nothing was changed.") from None
                user.set_password(password)

        with transaction.atomic():
            user.save()
            staff_role_set(user, group)

        done = "Created" if created else "Updated"
        said = [f"role {group} ({role})"]
        if email is not None:
            said.append(f"email {email}")
        if password is not None:
            said.append("password set" + (f" from ${PASSWORD_VARIABLE}" if os.environ.get(PASSWORD_VARIABLE) is not None else ""))
        elif created:
            said.append("no usable password")
        self.stdout.write(self.style.SUCCESS(f"{done} staff account {username}: {', '.join(said)}."))

    def password_asked(self) -> str:
        if not stdin_is_terminal():
            raise CommandError(
                f"No terminal to ask the password at: set ${PASSWORD_VARIABLE}, or use --no-password. Nothing was changed."
            )
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
        if first != second:
            raise CommandError("The two passwords differ. Nothing was changed.")
        if not first:
            raise CommandError("The password is empty. Nothing was changed.")
        return first
