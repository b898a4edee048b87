"""The cooperative marketplace: agencies joining other agencies' contracts and ordering from their catalogs."""
