"""
The staff's second factor: a TOTP authenticator app (django-otp's TOTPDevice) and ten
single-use recovery codes (its StaticDevice), required of every staff account when
settings.STAFF_SECOND_FACTOR is on (by default whenever DEBUG is off).

A staff user signs in with the password (the admin's login, guarded by django-axes); until
the session is verified (django_otp.login) the admin and the API's session writes are closed
to them (middleware.SecondFactorMiddleware, shdt.core.api.authentication). Without a confirmed
authenticator they enrol first: the page shows the secret as a QR code the site draws itself,
and the first correct code confirms it and makes the recovery codes, shown once.

Wrong codes are throttled by django-otp's own devices (OTP_TOTP_THROTTLE_FACTOR,
OTP_STATIC_THROTTLE_FACTOR): after n wrong codes in a row the device refuses every code,
right or wrong, for 2^(n-1) seconds.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
_TOTP_CODE = re.compile(r"\d{6}")


def second_factor_required(user) -> bool:
    """Whether this signed-in user must give a second factor before working as staff."""
    return bool(settings.STAFF_SECOND_FACTOR and user.is_authenticated and user.is_staff)


def second_factor_pending(user) -> bool:
    """Whether the user must still give their second factor in this session (OTPMiddleware's is_verified)."""
    return second_factor_required(user) and not (hasattr(user, "is_verified") and user.is_verified())


def second_factor_enrolled(user) -> bool:
    """Whether the user has a confirmed authenticator (otherwise they enrol at sign-in)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_for_enrolment(user) -> TOTPDevice:
    """
    The authenticator the user is enrolling, made on first call. The same unconfirmed device
    comes back until it is confirmed, so that reloading the page keeps the secret the user
    may already have scanned.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(data: str) -> str:
    """
    `data` as a QR code in SVG, drawn here (no outside service sees the secret). The white
    background keeps it readable in the admin's dark mode; it carries no style attributes,
    which the Content-Security-Policy would refuse.
    """
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4)
    return image.to_string(encoding="unicode")


@dataclass(frozen=True)
class CodeCheck:
    """
    What became of a code: the device that took it; or, refused, whether it was even looked at
    (`throttled`: too many wrong codes before it) and until when the next is refused.
    """

    device: object | None = None
    locked_until: datetime | None = None
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.device is not None


def _normalised(code: str) -> str:
    # People type codes with spaces or dashes, as apps and our page group them.
    return re.sub(r"[\s-]", "", code or "").lower()


def _locked_until(device) -> datetime | None:
    allowed, details = device.verify_is_allowed()
    return None if allowed else (details or {}).get("locked_until")


def _check(device, code: str) -> CodeCheck:
    """Verify `code` against one device, which the caller locked for the update."""
    locked_until = _locked_until(device)
    if locked_until is not None:
        return CodeCheck(locked_until=locked_until, throttled=True)
    # verify_token counts a wrong code as a failure (the throttle) and resets the count on success.
    if device.verify_token(code):
        return CodeCheck(device=device)
    return CodeCheck(locked_until=_locked_until(device))


def totp_enrolment_confirm(*, user, code: str) -> tuple[CodeCheck, list[str]]:
    """
    Confirm the user's new authenticator with a code it shows, and give them a fresh set of
    recovery codes (any earlier set is void). Return the check and the codes (empty if refused).
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            return CodeCheck(), []
        check = _check(device, _normalised(code))
        if not check.ok:
            log.warning("Second factor: wrong enrolment code for %s", user.get_username())
            return check, []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per account: an older one (a lost phone) stops working.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = recovery_codes_create(user=user)
    log.info("Second factor: %s enrolled an authenticator", user.get_username())
    return check, codes


def recovery_codes_create(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones and return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_check(*, user, code: str) -> CodeCheck:
    """
    Check a code from the user's authenticator (six digits) or one of their recovery codes
    (which is then used up). A wrong code counts against the device it was meant for.
    """
    code = _normalised(code)
    model = TOTPDevice if _TOTP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"))
        checks = [_check(device, code) for device in devices]
    passed = next((check for check in checks if check.ok), None)
    if passed is not None:
        log.info("Second factor: %s verified with %s", user.get_username(), model.__name__)
        return passed
    log.warning("Second factor: wrong code for %s", user.get_username())
    locks = [check.locked_until for check in checks if check.locked_until]
    return CodeCheck(
        locked_until=max(locks) if locks else None,
        throttled=bool(checks) and all(check.throttled for check in checks),
    )


def second_factor_reset(*, user) -> dict[str, int]:
    """
    Remove all of the user's devices (authenticators and recovery codes): they enrol again
    at their next sign-in, and a session verified with a removed device is no longer verified.
    Return how many authenticators and unused recovery codes were removed.
    """
    with transaction.atomic():
        removed = {
            "authenticators": TOTPDevice.objects.filter(user=user).count(),
            "recovery codes": StaticToken.objects.filter(device__user=user).count(),
        }
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
    log.info("Second factor: devices of %s removed (%s)", user.get_username(), removed)
    return removed
