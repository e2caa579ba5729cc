"""Fixtures of the register: the reference types and standards on the demo city, and places."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from facilities import services
from facilities.models import FacilityType, Standard
from facilities.services import reference_load
from indicators.models import Agency, Kelurahan, Region


@pytest.fixture
def register(demo):
    """The demo city with the reference facility types and standards loaded."""
    reference_load()
    return demo


@pytest.fixture
def dlh_operator(register):
    """The DLH operator, who registers playgrounds and parks."""
    return get_user_model().objects.get(username="operator.dlh")


@pytest.fixture
def place(register, dlh_operator):
    """Taman Bekapai, a DLH playground in Kelurahan Klandasan Ilir... or the first kelurahan."""
    return make_place(dlh_operator, "Taman Bekapai")


def make_place(actor, name, *, type_code="RUANG_BERMAIN", agency_code="DLH", kelurahan=None,
               level=""):  # fmt: skip
    region = Region.objects.get(slug="balikpapan")
    return services.facility_save(
        region=region,
        values={
            "facility_type": FacilityType.objects.get(code=type_code),
            "name": name,
            "kelurahan": kelurahan or Kelurahan.objects.order_by("code").first(),
            "agency": Agency.objects.get(region=region, code=agency_code),
            "level": level,
            "address": "",
        },
        actor=actor,
    )


def grant(place, actor, *, code="RBRA", granted_on=None, valid_until=None, stage="granted",
          upload=None):  # fmt: skip
    return services.certification_save(
        values={
            "standard": Standard.objects.get(code=code),
            "stage": stage,
            "certificate_number": "",
            "granted_on": granted_on or datetime.date(2025, 3, 1),
            "valid_until": valid_until,
        },
        actor=actor,
        facility=place,
        upload=upload,
    )
