"""System checks for rules a model must keep to work with the framework."""

from django.apps import apps
from django.core import checks

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
