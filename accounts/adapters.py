from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.http import HttpRequest

# The rate-limit action (in ACCOUNT_RATE_LIMITS) that bounds failed sign-ins on one account
# from every address together; allauth's own ``login_failed`` counts them per address.
LOGIN_FAILED_ACCOUNT = "login_failed_account"


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up and sign-in behaviour of the portal; e-mail addresses are stored lowercase.

    Failed sign-ins are limited three ways (rates in ``ACCOUNT_RATE_LIMITS``): per client
    address over every account (``login_failed``'s ``ip`` rates: guessing across many
    accounts), per client address and account (``login_failed``'s ``key`` rate: guessing one
    password), and per account from every address together (``login_failed_account``, a
    higher bound: distributed guessing). A stranger's failures therefore never lock the owner
    out when signing in from another address, short of a distributed attack on that account.
    """

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def _account_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The account an attempt is for (site and login), whatever address it comes from."""
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of ``login_failed``'s per-key rate: the client address and the account.

        allauth keys it by the account alone, so five wrong passwords from anywhere lock the
        account for everybody; the address is the one allauth's limits use (``REMOTE_ADDR``,
        or the trusted proxy's ``X-Forwarded-For`` entry, IPv6 reduced to its /64)."""
        return f"{ratelimit.get_ip(request)}|{self._account_key(request, **credentials)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the attempt against the per-address limits, then against the account's bound
        over all addresses; refuse it ("too many failed attempts") once either is reached.

        A successful sign-in gives back what it consumed (allauth rolls back the usage
        recorded here), so only failures count."""
        super().pre_authenticate(request, **credentials)
        usage = ratelimit.consume(
            request,
            app="allauth.account",
            action=LOGIN_FAILED_ACCOUNT,
            key=self._account_key(request, **credentials),
        )
        if usage is None:
            raise self.validation_error("too_many_login_attempts")
        recorded = getattr(self, "_login_failed_rl_usage", None)
        if recorded is not None:
            recorded.usage.extend(usage.usage)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset (which proves the owner holds the address), forget the
        failures counted against the account from every address as well as from this one."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action=LOGIN_FAILED_ACCOUNT,
            key=self._account_key(request, **credentials),
        )
