"""Synthesis digests of a version's comments: requesting and building them (``services``),
reading them and the rows they are built from (``selectors``), rendering their files
(``rendering``) and their pages (``views``). The synthesis itself is in
:mod:`comments.synthesis`; the file writers in :mod:`comments.exports`."""
