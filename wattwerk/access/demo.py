"""Demo organisation: Stadtwerke Musterstadt, its departments and one user per department."""

from django.contrib.auth.models import Group, Permission

from wattwerk.core import demo

from .models import Department, User

# (code, name, parent code, e-mail)
DEPARTMENTS = [
    ("swm", "Stadtwerke Musterstadt GmbH", None, "info@stadtwerke-musterstadt.example"),
    ("vertrieb", "Vertrieb", "swm", "vertrieb@stadtwerke-musterstadt.example"),
    ("vertrieb-gk", "Geschäftskunden", "vertrieb", "gk@stadtwerke-musterstadt.example"),
    (
        "vertrieb-swv",
        "Stadtwerke/Weiterverteiler",
        "vertrieb",
        "weiterverteiler@stadtwerke-musterstadt.example",
    ),
    ("marketing", "Marketing", "swm", "marketing@stadtwerke-musterstadt.example"),
    (
        "preisbildung",
        "Portfoliomanagement/Preisbildung",
        "swm",
        "preisbildung@stadtwerke-musterstadt.example",
    ),
    ("kredit", "Kreditmanagement", "swm", "kreditmanagement@stadtwerke-musterstadt.example"),
    ("abrechnung", "Abrechnung", "swm", "abrechnung@stadtwerke-musterstadt.example"),
]

# (username, first name, last name, department code)
USERS = [
    ("vertrieb", "Vera", "Vogt", "vertrieb"),
    ("gk", "Georg", "Krause", "vertrieb-gk"),
    ("weiterverteiler", "Wiebke", "Wendt", "vertrieb-swv"),
    ("marketing", "Maren", "Maier", "marketing"),
    ("preisbildung", "Paul", "Peters", "preisbildung"),
    ("kredit", "Karla", "Kühn", "kredit"),
    ("abrechnung", "Anton", "Albers", "abrechnung"),
]

STAFF_GROUP = "Mitarbeitende"
STAFF_PERMISSIONS = ["access.view_department", "access.view_user"]


@demo.register
def load_organisation(*, now) -> None:
    departments: dict[str, Department] = {}
    for code, name, parent, email in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            code=code,
            defaults={"name": name, "parent": departments.get(parent), "email": email},
        )

    staff, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    staff.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in (name.split(".") for name in STAFF_PERMISSIONS)
    )

    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "first_name": "Ada",
            "last_name": "Admin",
            "department": departments["swm"],
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@stadtwerke-musterstadt.example",
        },
    )
    if created:
        admin.set_password(demo.DEMO_PASSWORD)
        admin.save()
    demo.add_login("admin", "Administration (alle Rechte)")

    for username, first_name, last_name, code in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "department": departments[code],
                "email": f"{username}@stadtwerke-musterstadt.example",
            },
        )
        if created:
            user.set_password(demo.DEMO_PASSWORD)
            user.save()
        user.groups.add(staff)
        demo.add_login(username, departments[code].name)
