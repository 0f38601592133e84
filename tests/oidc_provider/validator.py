from oauth2_provider.oauth2_validators import OAuth2Validator


class SchoolValidator(OAuth2Validator):
    """Claims as a school's directory gives them: e-mail (verified unless the account is in
    the provider's "email-unverified" group), names, and the person's groups."""

    oidc_claim_scope = None  # every claim, `groups` included

    def get_additional_claims(self, request):
        user = request.user
        groups = sorted(user.groups.values_list("name", flat=True))
        return {
            "email": user.email,
            "email_verified": "email-unverified" not in groups,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": f"{user.first_name} {user.last_name}".strip(),
            "preferred_username": user.username,
            "groups": [group for group in groups if group != "email-unverified"],
        }
