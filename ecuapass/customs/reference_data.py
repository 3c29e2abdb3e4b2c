"""Reference data of the DAI: the sample exchange rates in the BCE's layout (for the demo;
production loads the published file with ``manage.py load_exchange_rates``)."""

from ecuapass.core.loading import LoadReport

from .exchange_rates import load_sample


def load(report: LoadReport) -> None:
    load_sample(report)
