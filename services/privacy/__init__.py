"""Privacy: forgetting a person's data once records retention allows it (crypto-shredding)."""
