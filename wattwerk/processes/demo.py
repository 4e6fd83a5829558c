"""Demo: the shipped templates active, and every open lead and opportunity of the demo on its
process — moved on as far as its data allows, so the stage bars and the report show something."""

from django.core.exceptions import ValidationError

from wattwerk.core import demo
from wattwerk.sales.models import Lead, Opportunity

from . import operations, reference
from .models import ProcessTemplate


@demo.register
def load_processes(*, now) -> None:
    reference.load()
    for key in ProcessTemplate.objects.values_list("key", flat=True).distinct():
        if not ProcessTemplate.objects.filter(key=key, is_active=True).exists():
            newest = ProcessTemplate.objects.filter(key=key).order_by("-version").first()
            operations.activate_template(template=newest, acting_user=None, now=now)
    for model in (Lead, Opportunity):
        for record in model.objects.filter(status="open").order_by("pk"):
            if operations.instance_of(record) is not None:
                continue
            template = operations.template_for(record)
            if template is None:
                continue
            operations.start_process(record=record, template=template, acting_user=None, now=now)
            for _stage in template.stages[1:]:
                try:
                    operations.advance_stage(record=record, acting_user=None, now=now)
                except ValidationError:
                    break
