from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up and sign-in behaviour of the portal; e-mail addresses are stored lowercase."""

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()
