"""Acceptance thresholds that are not in the Design, each with why it is what it is.

These are day-1 acceptance limits, read once right after cabling and deploy, not
operating alarms (those live with the telemetry rules):

- error counters: a new link must not have taken a single FCS error, PCS symbol error or
  uncorrectable FEC codeword since it came up. RS(544,514) FEC corrects every pre-FEC
  error a compliant 100G-per-lane PAM4 link makes (IEEE 802.3 clause 119), so any
  uncorrectable codeword, and any FCS error behind it, is a dirty or damaged connector,
  a bad cable or a bad module: exactly what acceptance is there to find;
- optics: every pluggable carries its own alarm thresholds in its management EEPROM
  (SFF-8636 / CMIS), which the OS reports with its DOM readings. Receive power must sit
  at least ``RX_MARGIN_DB`` above the module's low-alarm threshold (the margin ANTA's
  ``VerifyInterfacesOpticsReceivePower`` uses by default), below its high-alarm one, and
  the module must run at most ``MAX_MODULE_TEMP_C`` (QSFP-DD/OSFP commercial modules are
  specified to 70 C case temperature; 68 C is ANTA's default limit, 2 C of warning).
  Copper (DAC) has no DOM, so those ports carry no optics check.
"""

from __future__ import annotations

MAX_FCS_ERRORS = 0
MAX_SYMBOL_ERRORS = 0
MAX_FEC_UNCORRECTABLE = 0
RX_MARGIN_DB = 2.0
MAX_MODULE_TEMP_C = 68.0

# Link reaches (Design ``Link.reach``) whose media carry no optics to read.
NO_DOM_REACHES = frozenset({"DAC", "copper"})
