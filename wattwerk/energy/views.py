"""The tab "Lastgang" of a delivery point: upload a load curve, see what it says, take it over."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry
from wattwerk.core.views import RecordView, render_page

from . import loadcurves, operations
from .models import DeliveryPoint

CHART_WIDTH, CHART_HEIGHT = 600, 120


class LoadCurveForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Lastgang (CSV oder XLSX)"),
        help_text=gettext_lazy(
            "Je Zeile Zeitpunkt und Wert (oder Datum, Uhrzeit und Wert); "
            "15-Minuten- oder Stundenwerte."
        ),
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Die Werte sind"),
        choices=[("kW", gettext_lazy("Leistung in kW")), ("kWh", gettext_lazy("Energie in kWh"))],
        initial="kW",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > loadcurves.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 20 MB."))
        return upload


def chart_points(daily: dict) -> str:
    """The daily energy as the points of an SVG polyline, scaled to the chart."""
    if not daily:
        return ""
    days = sorted(daily)
    top = max(daily.values()) or Decimal(1)
    step = CHART_WIDTH / max(len(days) - 1, 1)
    return " ".join(
        f"{index * step:.1f},{CHART_HEIGHT - float(daily[day] / top) * CHART_HEIGHT:.1f}"
        for index, day in enumerate(days)
    )


class LoadCurveView(RecordView):
    template_name = "energy/load_curve.html"

    @property
    def record_type(self):
        return registry.for_model(DeliveryPoint)

    def render_tab(self, point, form, result=None, status=200) -> HttpResponse:
        context = self.base_context(
            object=point,
            active_tab="load_curve",
            form=form,
            result=result,
            metering=result.metering(point.commodity.code) if result else "",
            chart=chart_points(result.daily_kwh) if result else "",
            chart_size=(CHART_WIDTH, CHART_HEIGHT),
        )
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        point = self.get_object(Action.READ)  # the form shows only with write
        return self.render_tab(point, LoadCurveForm())

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        point = self.get_object(Action.WRITE)
        form = LoadCurveForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_tab(point, form, status=422)
        try:
            rows = loadcurves.read_file(form.cleaned_data["file"])
            result = loadcurves.analyse_rows(rows, form.cleaned_data["unit"])
        except loadcurves.UnreadableFile as error:
            form.add_error("file", str(error))
            return self.render_tab(point, form, status=422)
        if not result.count:
            form.add_error("file", _("Die Datei enthält keine lesbaren Werte."))
            return self.render_tab(point, form, result, status=422)
        return self.render_tab(point, form, result)


class TakeOverView(RecordView):
    """Write the computed figures into the delivery point."""

    @property
    def record_type(self):
        return registry.for_model(DeliveryPoint)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        point = self.get_object(Action.WRITE)
        try:
            annual = Decimal(request.POST["annual_kwh"])
            peak = Decimal(request.POST["peak_kw"])
            metering = request.POST["metering"]
        except (KeyError, InvalidOperation):
            messages.error(request, _("Die Werte aus dem Lastgang fehlen; bitte neu hochladen."))
            return redirect("delivery-points_load_curve", pk=point.pk)
        try:
            operations.take_over_load_curve(
                delivery_point=point,
                annual_kwh=annual,
                peak_kw=peak,
                metering=metering,
                acting_user=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("delivery-points_load_curve", pk=point.pk)
        messages.success(request, _("Jahresverbrauch, Höchstlast und Messung übernommen."))
        return redirect(point.get_absolute_url())
