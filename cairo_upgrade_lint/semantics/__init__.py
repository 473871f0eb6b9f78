"""What the code means, shared by the rules and the audit: facts with no judgement.

``context`` (the version under check, the old one, the configuration and a memo of project-wide
facts), ``guards`` (auth checks on the paths to sensitive operations), ``values`` (where a value
comes from, what a parameter is checked against), ``migrations`` (migration entry points and
external initializers), ``entry_points`` (callable entry points, forwarded selectors, proxies)
and ``durations`` (how a number of seconds is shown).
"""
