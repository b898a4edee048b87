import pytest

from events.base import Money
from events.bids import Attestations, CriterionResponse
from infra.settings import Settings
from services.bids.commands import BidContent
from services.bids.sealing import BidVault, UnsealError, master_key

CONTENT = BidContent(price=Money(amount=987_654_32, currency="USD"),
                     responses=[CriterionResponse(criterion_id="tech", text="secret approach")],
                     attestations=Attestations(no_conflict_of_interest=True, non_collusion=True))
IDS = dict(bid_id="b1", solicitation_id="s1", vendor_id="v1")


def test_round_trip_and_no_clear_text():
    vault = BidVault(b"k" * 32)
    sealed = vault.seal(CONTENT, **IDS)
    assert "98765432" not in sealed and "secret" not in sealed
    assert vault.unseal(sealed, **IDS) == CONTENT
    assert vault.seal(CONTENT, **IDS) != sealed  # a fresh nonce every time


def test_ciphertext_is_bound_to_its_bid_and_key():
    vault = BidVault(b"k" * 32)
    sealed = vault.seal(CONTENT, **IDS)
    with pytest.raises(UnsealError):
        vault.unseal(sealed, **{**IDS, "vendor_id": "v2"})
    with pytest.raises(UnsealError):
        vault.unseal(sealed, **{**IDS, "solicitation_id": "s2"})
    with pytest.raises(UnsealError):
        BidVault(b"x" * 32).unseal(sealed, **IDS)


def test_master_key_from_environment_or_a_private_generated_file(tmp_path):
    assert master_key(Settings(bid_key="from-env-0123456789", data_dir=tmp_path)) == b"from-env-0123456789"
    generated = master_key(Settings(data_dir=tmp_path))
    assert len(generated) >= 32 and master_key(Settings(data_dir=tmp_path)) == generated
    assert (tmp_path / "bid.key").stat().st_mode & 0o777 == 0o600
