"""Fill the provider's database: its people, their groups and the registered client."""

import json
import sys

import django


def seed(spec):
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for person in spec["people"]:
        user = User.objects.create_user(
            person["username"],
            person["email"],
            spec["password"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    Application.objects.create(
        name="purgeclass",
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(spec["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    django.setup()
    seed(json.loads(sys.stdin.read()))
