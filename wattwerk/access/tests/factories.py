import factory
from django.contrib.auth.models import Permission

from wattwerk.access.models import Department, User


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Abteilung {n}")
    code = factory.Sequence(lambda n: f"abt-{n}")
    email = factory.LazyAttribute(lambda d: f"{d.code}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("geheim-123")

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        """``UserFactory(permissions=["access.view_department"])``"""
        if create and extracted:
            for name in extracted:
                app_label, codename = name.split(".")
                self.user_permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
