"""Synthesis digests of a version's comments, an app of its own (label ``digests``) nested in
``comments``: asking for and building them (``services``, ``tasks``), reading them and the
comments they are built from (``selectors``), their pages (``views``) and API (``api``), the
pure synthesis (``synthesis``) and the documents written from it (``exports``, ``rendering``).

It uses the comments app through its selectors; the comments app never imports it (the close
of a comment period and the demo data reach it through settings hooks)."""
