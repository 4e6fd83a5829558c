"""Demo organisation: Stadtwerke Musterstadt, its departments and one user per department."""

from django.contrib.contenttypes.models import ContentType

from wattwerk.core import demo

from .models import (
    Department,
    Depth,
    FieldPermission,
    FieldSecurityProfile,
    Privilege,
    Role,
    RolePrivilege,
    Team,
    User,
)

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

# The demo roles; each app adds the privileges for its own record types with grant().
ROLES = {
    "Mitarbeitende": "Alle: Organisation lesen.",
    "Vertrieb": "Eigene Abteilung lesen/schreiben, Organisation lesen.",
    "Vertriebsleitung": "Eigene Abteilung und darunter.",
    "Marketing": "Marketingmerkmale und Kampagnen.",
    "Preisbildung": "Preisfelder der Angebote.",
    "Kreditmanagement": "Bonität, Sicherheiten, kaufmännische Daten.",
    "Administrator": "Alles in der ganzen Organisation.",
}
# Demo user → roles besides "Mitarbeitende"
USER_ROLES = {
    "vertrieb": ["Vertrieb", "Vertriebsleitung"],
    "gk": ["Vertrieb"],
    "weiterverteiler": ["Vertrieb"],
    "marketing": ["Marketing"],
    "preisbildung": ["Preisbildung"],
    "kredit": ["Kreditmanagement"],
    "abrechnung": [],
}

# Field security profiles → (description, demo users holding them). The record types add their
# secured fields with secure() as they arrive (credit data with the accounts, prices with quotes).
FIELD_PROFILES = {
    "Kreditmanagement": (
        "Bonität, Sicherheiten und kaufmännische Daten lesen und schreiben.",
        ["kredit"],
    ),
    "Preisbildung": ("Preise der Angebote lesen und schreiben.", ["preisbildung"]),
    "Vertrieb": ("Preise der Angebote lesen.", ["vertrieb", "gk", "weiterverteiler"]),
}


def secure(profile_name: str, model, *field_names: str, write: bool = False) -> None:
    """``secure("Kreditmanagement", Account, "credit_limit", write=True)``"""
    description = FIELD_PROFILES.get(profile_name, ("", []))[0]
    profile, _ = FieldSecurityProfile.objects.get_or_create(
        name=profile_name, defaults={"description": description}
    )
    content_type = ContentType.objects.get_for_model(model)
    for field_name in field_names:
        FieldPermission.objects.update_or_create(
            profile=profile,
            content_type=content_type,
            field_name=field_name,
            defaults={"can_read": True, "can_write": write},
        )


def grant(role_name: str, model, **privileges: int) -> None:
    """``grant("Vertrieb", Account, read=Depth.ORGANISATION, write=Depth.DEPARTMENT)``"""
    role, _ = Role.objects.get_or_create(
        name=role_name, defaults={"description": ROLES.get(role_name, "")}
    )
    content_type = ContentType.objects.get_for_model(model)
    for privilege, depth in privileges.items():
        RolePrivilege.objects.update_or_create(
            role=role, content_type=content_type, privilege=privilege, defaults={"depth": depth}
        )


@demo.register
def load_organisation(*, now) -> None:
    departments: dict[str, Department] = {}
    for code, name, parent, email in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            code=code,
            defaults={"name": name, "parent": departments.get(parent), "email": email},
        )

    for name, description in ROLES.items():
        Role.objects.update_or_create(name=name, defaults={"description": description})
    org = Depth.ORGANISATION
    for model in (Department, User, Team):
        grant("Mitarbeitende", model, read=org)
    grant("Vertriebsleitung", User, write=Depth.DEPARTMENT_TREE)
    everything = dict.fromkeys(Privilege.values, org)
    for model in (Department, User, Team, Role, FieldSecurityProfile):
        grant("Administrator", model, **everything)

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
    admin.roles.add(Role.objects.get(name="Administrator"))
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
        user.roles.add(*Role.objects.filter(name__in=["Mitarbeitende", *USER_ROLES[username]]))
        demo.add_login(username, departments[code].name)

    for name, (description, usernames) in FIELD_PROFILES.items():
        profile, _ = FieldSecurityProfile.objects.update_or_create(
            name=name, defaults={"description": description}
        )
        profile.users.add(*User.objects.filter(username__in=usernames))
