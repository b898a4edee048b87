import pytest

from services.vendors.settings import DEFAULT_REGISTRATION_DAYS, VendorSettings


def test_registration_period_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("CIVIC_VENDOR_REGISTRATION_DAYS", raising=False)
    assert VendorSettings.from_env().registration_days == DEFAULT_REGISTRATION_DAYS == 365
    monkeypatch.setenv("CIVIC_VENDOR_REGISTRATION_DAYS", "730")
    assert VendorSettings.from_env().registration_days == 730


@pytest.mark.parametrize("value", ["0", "-3", "99999"])
def test_an_unreasonable_registration_period_is_refused(monkeypatch, value):
    monkeypatch.setenv("CIVIC_VENDOR_REGISTRATION_DAYS", value)
    with pytest.raises(ValueError):
        VendorSettings.from_env()
