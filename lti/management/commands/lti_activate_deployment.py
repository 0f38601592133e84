"""Activate an LMS deployment by hand: for an LMS that names its deployment only after
registration (Canvas adds it when the app is installed), or a registration made by hand."""

from django.core.management.base import BaseCommand, CommandError
from lti_tool.models import LtiDeployment, LtiRegistration


class Command(BaseCommand):
    help = "Accept launches from an LMS deployment: ISSUER DEPLOYMENT_ID [--client-id ID]."

    def add_arguments(self, parser):
        parser.add_argument("issuer")
        parser.add_argument("deployment_id")
        parser.add_argument("--client-id", help="needed when the issuer has several")

    def handle(self, issuer, deployment_id, client_id=None, **options):
        registrations = LtiRegistration.objects.filter(issuer=issuer)
        if client_id:
            registrations = registrations.filter(client_id=client_id)
        found = list(registrations[:2])
        if not found:
            raise CommandError(f"No LMS registration with issuer {issuer}.")
        if len(found) > 1:
            raise CommandError("Several registrations have that issuer: name --client-id.")
        deployment, created = LtiDeployment.objects.update_or_create(
            registration=found[0], deployment_id=deployment_id, defaults={"is_active": True}
        )
        self.stdout.write(f"Deployment {deployment_id} of {found[0]} is active.")
