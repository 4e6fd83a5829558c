"""System checks for rules a model must keep to work with the framework."""

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from .models import OwnedModel


@checks.register(checks.Tags.models)
def owned_models_keep_the_owner_constraint(app_configs=None, **kwargs):
    errors = []
    for model in apps.get_models():
        if issubclass(model, OwnedModel):
            names = {c.name for c in model._meta.constraints}
            expected = f"{model._meta.app_label}_{model.__name__.lower()}_one_owner"
            if expected not in names:
                errors.append(
                    checks.Error(
                        f"{model.__name__}.Meta must inherit OwnedModel.Meta "
                        "(the one-owner constraint is missing).",
                        obj=model,
                        id="wattwerk.E001",
                    )
                )
    return errors


@checks.register(checks.Tags.models)
def secured_fields_exist(app_configs=None, **kwargs):
    errors = []
    for model in apps.get_models():
        for name in getattr(model, "secured_fields", ()):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is None or not field.concrete:
                errors.append(
                    checks.Error(
                        f"{model.__name__}.secured_fields names {name!r}, "
                        "which is not a field stored on the model.",
                        obj=model,
                        id="wattwerk.E002",
                    )
                )
    return errors


@checks.register(checks.Tags.models)
def secured_parts_exist(app_configs=None, **kwargs):
    """``secured_parts`` names relations to child rows that secure fields of their own."""
    errors = []
    for model in apps.get_models():
        for name in getattr(model, "secured_parts", ()):
            try:
                relation = model._meta.get_field(name)
            except FieldDoesNotExist:
                relation = None
            part = relation.related_model if relation is not None and relation.one_to_many else None
            if part is None or not getattr(part, "secured_fields", ()):
                errors.append(
                    checks.Error(
                        f"{model.__name__}.secured_parts names {name!r}, which is no relation "
                        "to child rows with secured_fields of their own.",
                        obj=model,
                        id="wattwerk.E003",
                    )
                )
    return errors
