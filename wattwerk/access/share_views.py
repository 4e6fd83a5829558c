"""The tab "Freigaben" of every record type: who else may read or write this one record."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry
from wattwerk.core.views import RecordView, render_page

from . import sharing
from .models import Share, Team, User


class ShareForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("Benutzer"), queryset=User.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label=gettext_lazy("oder Team"), queryset=Team.objects.none(), required=False
    )
    access = forms.ChoiceField(
        label=gettext_lazy("Zugriff"), choices=Share.Access.choices, initial=Share.Access.READ
    )
    valid_until = forms.DateTimeField(
        label=gettext_lazy("gültig bis"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("Leer lassen für eine Freigabe ohne Ende."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).restrict(
            user, Action.READ
        )
        self.fields["team"].queryset = Team.objects.restrict(user, Action.READ)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class RecordSharesView(RecordView):
    template_name = "access/record_shares.html"

    def context(self, instance, form) -> dict:
        may_share = self.restricted(Action.SHARE).filter(pk=instance.pk).exists()
        return self.base_context(
            object=instance,
            shares=list(sharing.shares_of(instance)),
            form=form if may_share else None,
            may_share=may_share,
            now=timezone.now(),
            active_tab="shares",
        )

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.READ)
        form = ShareForm(user=request.user)
        return render_page(request, self.template_name, self.context(instance, form), "tab")

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.SHARE)
        form = ShareForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                share = sharing.share_record(
                    instance=instance,
                    acting_user=request.user,
                    now=timezone.now(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("„%(record)s“ ist freigegeben für %(whom)s.")
                    % {"record": instance, "whom": share.user or share.team},
                )
                return redirect(reverse(self.record_type.url_name("shares"), args=[instance.pk]))
        response = render(request, self.template_name, self.context(instance, form))
        response.status_code = 422
        return response


class RevokeShareView(RecordView):
    def post(self, request: HttpRequest, pk, share_id) -> HttpResponse:
        instance = self.get_object(Action.SHARE)
        share = get_object_or_404(sharing.shares_of(instance), pk=share_id)
        sharing.revoke_share(
            share=share, instance=instance, acting_user=request.user, now=timezone.now()
        )
        messages.success(request, _("Die Freigabe wurde aufgehoben."))
        return redirect(reverse(self.record_type.url_name("shares"), args=[instance.pk]))


def share_urlpatterns() -> list:
    patterns = []
    for record_type in registry:
        slug, attrs = record_type.slug, {"record_type": record_type}
        patterns += [
            path(
                f"{slug}/<int:pk>/shares/",
                RecordSharesView.as_view(**attrs),
                name=f"{slug}_shares",
            ),
            path(
                f"{slug}/<int:pk>/shares/<int:share_id>/revoke/",
                RevokeShareView.as_view(**attrs),
                name=f"{slug}_share_revoke",
            ),
        ]
    return patterns
