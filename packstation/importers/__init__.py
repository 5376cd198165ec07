"""Order and product file importers: each turns a file into plain records, never touching storage."""
