"""Writes of the referral pathway, one module per job: making a referral (making), triage and the decision
(triage), the lists and the routing coordinators edit (configuration), the e-mails that say a referral needs
attention (notifications) and the timeline every change writes (timeline). Import each service from the module
that owns it.

Every change runs in one transaction with its audit event and timeline entry. Changes to a referral carry the
version the user's page was built from and save through core.locking's versioned_update: a save made from a page
that someone else has since saved is refused with StaleEdit, so two people cannot overwrite each other. Creates go
through core.idempotency's create_once, so a form posted twice makes one record.
"""
