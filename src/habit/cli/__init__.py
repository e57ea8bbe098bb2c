"""The command-line adapter: parse, call one domain function, render. Imports stay light here."""
