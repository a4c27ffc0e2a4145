"""The public complainant portal, one module per group of pages. Views are thin: forms check
input, services write, and the complaint is only ever found by reference plus tracking code
(``access``)."""
