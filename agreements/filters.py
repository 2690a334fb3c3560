"""List filters (django-filter) for agreements, staff and the training compliance page."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Provider, StaffMember
from srp.models import District, School


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on the filter widgets (the form is laid out by hand in a row)."""

    @property
    def form(self) -> Any:
        # Built lazily, after the subclass has narrowed the choices to the user's scope.
        form = super().form
        for field in form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs["class"] = css
        return form


class AgreementFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Agreement.Status.choices, empty_label=_("Any status")
    )
    provider = django_filters.ModelChoiceFilter(
        label=_("Provider"), queryset=Provider.objects.none(), empty_label=_("Any provider")
    )

    class Meta:
        model = Agreement
        fields = ["q", "status", "provider"]

    def __init__(self, *args: Any, district: District, providers: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["provider"].queryset = providers

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(provider__name__icontains=value))


class StaffFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=StaffMember.Kind.choices, empty_label=_("Any kind")
    )
    employer = django_filters.ModelChoiceFilter(
        label=_("Employer"), queryset=Provider.objects.none(), empty_label=_("Any employer")
    )
    school = django_filters.ModelChoiceFilter(
        label=_("School"),
        queryset=School.objects.none(),
        method="at_school",
        empty_label=_("Any school"),
    )

    class Meta:
        model = StaffMember
        fields = ["q", "kind", "employer", "school"]

    def __init__(
        self,
        *args: Any,
        district: District,
        providers: QuerySet,
        schools: QuerySet,
        year: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.filters["employer"].queryset = providers
        self.filters["school"].queryset = schools

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(badge_number__icontains=value)
        )

    def at_school(self, queryset: QuerySet, name: str, value: School) -> QuerySet:
        return queryset.filter(
            pk__in=StaffMember.objects.filter(
                assignments__school=value, assignments__school_year=self.year
            ).values("pk")
        )
