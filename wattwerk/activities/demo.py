"""Demo rights and settings for activities: who may see and do what, which departments take
their tasks by e-mail, who heads them, and which department does each step of the shipped
chains. The activities and chains themselves hang off the sales demo's records."""

from wattwerk.access.demo import grant
from wattwerk.access.models import Department, Depth, Privilege, Role, User
from wattwerk.core import demo

from . import reference
from .models import Activity, Chain, ChainTemplate, ChainTemplateStep

# Departments outside sales and marketing get their tasks by e-mail.
BY_EMAIL = ("preisbildung", "kredit", "abrechnung")
# department code → username of its head
HEADS = {
    "swm": "admin",
    "vertrieb": "vertrieb",
    "vertrieb-gk": "gk",
    "vertrieb-swv": "weiterverteiler",
    "marketing": "marketing",
    "preisbildung": "preisbildung",
    "kredit": "kredit",
    "abrechnung": "abrechnung",
}
# (template, step key) → department code
STEP_DEPARTMENTS = {
    ("Ausschreibung", "lastgang"): "vertrieb-gk",
    ("Ausschreibung", "preiskalkulation"): "preisbildung",
    ("Ausschreibung", "bonitaet"): "kredit",
    ("Ausschreibung", "freigabe"): "vertrieb",
    ("Ausschreibung", "angebot"): "vertrieb-gk",
}


@demo.register
def load_activities(*, now) -> None:
    reference.load()
    org, tree, department, own = (
        Depth.ORGANISATION,
        Depth.DEPARTMENT_TREE,
        Depth.DEPARTMENT,
        Depth.OWN,
    )
    everything = dict.fromkeys(Privilege.values, org)
    grant("Mitarbeitende", Activity, read=department, create=own, write=department, assign=own)
    grant("Mitarbeitende", Activity, delete=own)
    grant("Vertrieb", Activity, read=tree, assign=department)
    grant("Vertriebsleitung", Activity, read=tree, write=tree, delete=department)
    grant("Mitarbeitende", ChainTemplate, read=org)
    grant("Mitarbeitende", Chain, read=org)
    grant("Vertrieb", Chain, create=department, write=department)
    for model in (Activity, Chain, ChainTemplate):
        grant("Administrator", model, **everything)

    departments = {dept.code: dept for dept in Department.objects.all()}
    users = {user.username: user for user in User.objects.all()}
    for code, dept in departments.items():
        head = users.get(HEADS.get(code, ""))
        Department.objects.filter(pk=dept.pk).update(tasks_by_email=code in BY_EMAIL, head=head)
    ChainTemplateStep.objects.filter(
        template__name="Ausschreibung", key="freigabe", role__isnull=True
    ).update(role=Role.objects.filter(name="Vertriebsleitung").first())
    for (template, key), code in STEP_DEPARTMENTS.items():
        ChainTemplateStep.objects.filter(
            template__name=template, key=key, department__isnull=True
        ).update(department=departments.get(code))
